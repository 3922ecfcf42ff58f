/**
 * Entry scripts of the api module's child processes and worker threads (training jobs, upload
 * validation, chat generation): plain JS files that register tsx and load their TypeScript body,
 * found under the repository root (util/repo-root.ts) because the server runs a Vite bundle.
 */
import path from 'node:path';
import { repoRoot } from '../util/repo-root.ts';

export { repoRoot };

/** A plain-JS entry script of the api module (it registers tsx and loads its TypeScript body). */
export function entryScript(rel: string): string {
  return path.join(repoRoot(), 'src', 'engine', 'api', ...rel.split('/'));
}
