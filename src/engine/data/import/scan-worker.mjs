// Entry of a scan worker thread. Plain JavaScript on purpose: a worker starts with no loader
// hooks (the parent's tsx registration does not carry over to worker threads), so this file
// registers tsx itself and then loads the TypeScript body. It lives beside scan.ts, which finds it
// by its own location; where the engine is bundled (the SvelteKit server build) the file is not
// there and scan.ts scans in process instead.
import { register } from 'tsx/esm/api';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const tsconfig = fileURLToPath(new URL('../../../../tsconfig.cli.json', import.meta.url));
register(existsSync(tsconfig) ? { tsconfig } : {});
await import('./scan-worker-main.ts');
