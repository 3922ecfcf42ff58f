/**
 * Access to ../shared (real models, datasets and metric fixtures) for tests and benchmarks.
 * The product never reads it. When it is missing, tests that need it are skipped with a clear
 * message, except under CI (CI=true), where a missing ../shared is a failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared folder: TUNEBENCH_SHARED, else ../shared beside the repository. */
export const SHARED_DIR = path.resolve(process.env.TUNEBENCH_SHARED ?? path.join(repoRoot, '..', 'shared'));

export const sharedAvailable = fs.existsSync(path.join(SHARED_DIR, 'datasets'));

const isCI = process.env.CI === 'true' || process.env.CI === '1';

if (!sharedAvailable) {
  const msg = `../shared is missing (looked in ${SHARED_DIR}); tests that need real models and datasets are ${isCI ? 'FAILING (CI=true)' : 'skipped'}`;
  if (isCI) throw new Error(msg);
  console.warn(`\n[tunebench tests] ${msg}\n`);
}

/** Path of a file under ../shared. */
export function shared(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}

/** `describe` that runs only when ../shared exists (and fails loudly under CI when it does not). */
export const describeShared: typeof describe = (sharedAvailable ? describe : describe.skip) as typeof describe;

export const REPO_ROOT = repoRoot;
