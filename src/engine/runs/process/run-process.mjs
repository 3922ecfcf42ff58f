// Entry of a run's own process (spawned by launch.ts for runs started from the web workbench):
// plain JavaScript, because the web server that spawns it runs a Vite bundle and a fresh Node
// process has no TypeScript loader. It registers tsx with the CLI's tsconfig, then loads the
// TypeScript body (child.ts).
import { register } from 'tsx/esm/api';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The server may go away while the run finishes its checkpoint: writing to its closed pipe must
// not kill the run.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

const tsconfig = fileURLToPath(new URL('../../../../tsconfig.cli.json', import.meta.url));
register(existsSync(tsconfig) ? { tsconfig } : {});
const { runProcessMain } = await import('./child.ts');
// Exit explicitly: the IPC channel to the server (and DuckDB's threads) would keep the process alive.
process.exit(await runProcessMain(process.argv.slice(2)));
