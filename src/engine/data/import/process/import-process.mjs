// Entry of an import process (spawned by launch.ts for dataset uploads, so that a big import
// never blocks the web server's event loop): plain JavaScript, because the web server runs a
// Vite bundle and a fresh Node process has no TypeScript loader. It registers tsx with the CLI's
// tsconfig, then loads the TypeScript body (child.ts). Loaded from the source tree, the import's
// scan worker script (../scan-worker.mjs) sits beside scan.ts, so big files are scanned by worker
// threads here, as in the CLI (inside the server's bundle they could not be).
import { register } from 'tsx/esm/api';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The server may go away while the import cleans up: writing to its closed pipe must not crash it.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

const tsconfig = fileURLToPath(new URL('../../../../../tsconfig.cli.json', import.meta.url));
register(existsSync(tsconfig) ? { tsconfig } : {});
const { importProcessMain } = await import('./child.ts');
// Exit explicitly: the IPC channel (and DuckDB's threads) would keep the process alive.
process.exit(await importProcessMain());
