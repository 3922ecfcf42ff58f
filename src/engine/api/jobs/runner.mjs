// Entry of a fine-tuning job's process (spawned by queue.ts): plain JavaScript, because the web
// server that spawns it runs a Vite bundle and a fresh Node process has no TypeScript loader.
// It registers tsx with the CLI's tsconfig, then loads the TypeScript body.
import { register } from 'tsx/esm/api';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const tsconfig = fileURLToPath(new URL('../../../../tsconfig.cli.json', import.meta.url));
register(existsSync(tsconfig) ? { tsconfig } : {});
const { runJobProcess } = await import('./runner-main.ts');
// Exit explicitly: the IPC channel to the server (and DuckDB's threads) would keep the process alive.
process.exit(await runJobProcess(process.argv.slice(2)));
