// Entry of a chat generation worker thread (pool.ts starts it): plain JavaScript, because worker
// threads start without the parent's loader hooks. Registers tsx, then loads the TypeScript body.
import { register } from 'tsx/esm/api';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const tsconfig = fileURLToPath(new URL('../../../../tsconfig.cli.json', import.meta.url));
register(existsSync(tsconfig) ? { tsconfig } : {});
await import('./worker-main.ts');
