/**
 * Where the TypeScript sources are at run time. The web server runs a Vite bundle (build/, or a
 * hard-linked copy of it under test-results/), but pipeline runs, training jobs and chat
 * generation run in child processes and worker threads that load the engine from source through
 * tsx. They need the repository root: the nearest folder above this module that holds
 * bin/tunebench.js (from src/engine/util, from build/server/chunks, or from a test snapshot of
 * build/), else the current folder (npm start and the tests run there).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

function isRepoRoot(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'bin', 'tunebench.js')) && fs.existsSync(path.join(dir, 'src', 'engine'));
}

export function repoRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isRepoRoot(dir)) return (root = dir);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (isRepoRoot(process.cwd())) return (root = process.cwd());
  throw new Error(`cannot find the tunebench sources (bin/tunebench.js) above ${fileURLToPath(import.meta.url)} or in ${process.cwd()}`);
}
