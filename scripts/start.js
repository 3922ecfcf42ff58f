#!/usr/bin/env node
// `npm start`: build the web app when it is missing or older than its sources, make sure the
// sample datasets are imported into the workspace (a no-op when they already are), then serve
// the workbench on http://127.0.0.1:5173 (HOST / PORT override; TUNEBENCH_WORKSPACE picks the
// workspace, default: this folder).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';
import { buildIfNeeded } from './build-if-needed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspace = path.resolve(process.env.TUNEBENCH_WORKSPACE ?? root);
const host = process.env.HOST ?? '127.0.0.1';
const port = process.env.PORT ?? '5173';

try {
  await buildIfNeeded({ root, log: (msg) => console.log(msg) });
} catch (e) {
  console.error(`tunebench: ${e.message}`);
  process.exit(1);
}

// Import the sample datasets (re-importing identical bytes is a no-op).
register({ tsconfig: path.join(root, 'tsconfig.cli.json') });
const { ensureSamples } = await import('../src/engine/data/samples.ts');
const imported = await ensureSamples(workspace, path.join(root, 'datasets'), (msg) => console.log(`tunebench: ${msg}`));
if (imported.failed.length) console.log(`tunebench: ${imported.failed.length} sample file(s) did not import: ${imported.failed.join(', ')}`);

// adapter-node refuses request bodies over BODY_SIZE_LIMIT (512 KB by default) before any route
// runs. Dataset uploads stream to disk under their own limit (TUNEBENCH_UPLOAD_LIMIT, 512 MB by
// default) and say so clearly; the adapter's limit must sit above it.
const bodyLimit = process.env.BODY_SIZE_LIMIT ?? '1G';
const child = spawn(process.execPath, [path.join(root, 'build', 'index.js')], {
  cwd: root,
  stdio: ['inherit', 'pipe', 'inherit'],
  env: { ...process.env, HOST: host, PORT: port, TUNEBENCH_WORKSPACE: workspace, ORIGIN: process.env.ORIGIN ?? `http://${host}:${port}`, BODY_SIZE_LIMIT: bodyLimit }
});
child.stdout.on('data', (d) => {
  const text = String(d);
  if (/Listening on/.test(text)) console.log(`tunebench: workbench on http://${host}:${port} (workspace ${workspace})`);
  else process.stdout.write(text);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
