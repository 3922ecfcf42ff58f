// Builds the web app when build/ is missing or older than its sources. Shared by `npm start`
// (scripts/start.js) and the browser tests (tests/e2e/support/app.ts). Concurrent callers on one
// machine take turns through a lock file, and the build is stamped with the time it STARTED, so
// a source saved while vite was running still counts as newer next time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const SOURCES = ['src', 'dsl', 'svelte.config.js', 'vite.config.ts', 'package.json'];

/** @param {string} p @returns {number} */
function newestMtime(p) {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

/** @param {string} [root] */
export function needsBuild(root = repoRoot) {
  const built = fs.statSync(path.join(root, 'build', 'index.js'), { throwIfNoEntry: false });
  if (!built) return true;
  return Math.max(...SOURCES.map((p) => newestMtime(path.join(root, p)))) > built.mtimeMs;
}

/** @param {string} root */
function lockPath(root) {
  const id = createHash('sha256').update(root).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `tunebench-build-${id}.lock`);
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
  }
}

/**
 * @template T
 * @param {string} root
 * @param {() => T | Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withBuildLock(root, fn) {
  const lock = lockPath(root);
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lock, 'utf8') || 0);
      if (holder && !alive(holder)) fs.rmSync(lock, { force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/**
 * Builds when needed; resolves true when it built. Throws when the build fails. `whileLocked`
 * runs after the check, still holding the lock, so it sees a complete build/ (tests copy it).
 * @param {{ root?: string, log?: (msg: string) => void, quiet?: boolean, whileLocked?: () => void | Promise<void> }} [opts]
 */
export async function buildIfNeeded(opts = {}) {
  const root = opts.root ?? repoRoot;
  if (!needsBuild(root) && !opts.whileLocked) return false;
  return withBuildLock(root, async () => {
    const built = needsBuild(root) ? build(root, opts) : false; // someone else may have built while we waited
    await opts.whileLocked?.();
    return built;
  });
}

/** @param {string} root @param {{ log?: (msg: string) => void, quiet?: boolean }} opts */
function build(root, opts) {
  opts.log?.('tunebench: building the web app (first start, or sources changed)…');
  const started = new Date();
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: root,
    stdio: opts.quiet ? 'pipe' : 'inherit',
    encoding: 'utf8'
  });
  if (r.status !== 0) {
    const out = opts.quiet ? `\n${(r.stdout ?? '').slice(-4000)}${(r.stderr ?? '').slice(-4000)}` : '';
    throw new Error(`vite build failed with status ${r.status}${out}`);
  }
  fs.utimesSync(path.join(root, 'build', 'index.js'), started, started);
  return true;
}
