// Validates one uploaded file in its own process (upload.ts runs big files here, so a 500 MB scan
// never blocks the web server's event loop). Plain JavaScript: registers tsx, then loads the body.
import { register } from 'tsx/esm/api';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const tsconfig = fileURLToPath(new URL('../../../../tsconfig.cli.json', import.meta.url));
register(existsSync(tsconfig) ? { tsconfig } : {});
const { validateMain } = await import('./validate-main.ts');
process.exit(await validateMain(process.argv.slice(2)));
