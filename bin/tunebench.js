#!/usr/bin/env node
// The `tunebench` command. The CLI is TypeScript; tsx compiles it on the fly (cached), so
// `npx tunebench ...` works straight after `npm install` with no build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// `tunebench sql ... | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const here = path.dirname(fileURLToPath(import.meta.url));
register({ tsconfig: path.join(here, '..', 'tsconfig.cli.json') });
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
