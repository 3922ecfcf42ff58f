#!/usr/bin/env node
// `npm start`: build the web app when it is missing or older than its sources, make sure the
// sample datasets are imported into the workspace (a no-op when they already are), then serve
// the workbench on http://127.0.0.1:5173 (HOST / PORT override; TUNEBENCH_WORKSPACE picks the
// workspace, default: this folder).
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspace = path.resolve(process.env.TUNEBENCH_WORKSPACE ?? root);
const host = process.env.HOST ?? '127.0.0.1';
const port = process.env.PORT ?? '5173';

function newestMtime(p) {
  let newest = 0;
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

function needsBuild() {
  const built = fs.statSync(path.join(root, 'build', 'index.js'), { throwIfNoEntry: false });
  if (!built) return true;
  const sources = ['src', 'dsl', 'svelte.config.js', 'vite.config.ts', 'package.json'].map((p) => newestMtime(path.join(root, p)));
  return Math.max(...sources) > built.mtimeMs;
}

if (needsBuild()) {
  console.log('tunebench: building the web app (first start, or sources changed)…');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Import the sample datasets (re-importing identical bytes is a no-op).
register({ tsconfig: path.join(root, 'tsconfig.cli.json') });
const { ensureSamples } = await import('../src/engine/data/samples.ts');
const imported = await ensureSamples(workspace, path.join(root, 'datasets'), (msg) => console.log(`tunebench: ${msg}`));
if (imported.failed.length) console.log(`tunebench: ${imported.failed.length} sample file(s) did not import: ${imported.failed.join(', ')}`);

const child = spawn(process.execPath, [path.join(root, 'build', 'index.js')], {
  cwd: root,
  stdio: ['inherit', 'pipe', 'inherit'],
  env: { ...process.env, HOST: host, PORT: port, TUNEBENCH_WORKSPACE: workspace, ORIGIN: process.env.ORIGIN ?? `http://${host}:${port}` }
});
child.stdout.on('data', (d) => {
  const text = String(d);
  if (/Listening on/.test(text)) console.log(`tunebench: workbench on http://${host}:${port} (workspace ${workspace})`);
  else process.stdout.write(text);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
