/**
 * A cross-process lock on a file path, for read-modify-write of small shared files (the dataset
 * catalog, the model registry). The lock is a file created with O_EXCL holding the owner's pid; a
 * lock whose owner is no longer alive is taken over.
 */
import fsp from 'node:fs/promises';
import { processAlive } from './process.ts';

export async function withLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await fsp.open(lockPath, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await fsp.readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (owner && !processAlive(owner)) {
        await fsp.rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for lock ${lockPath} (held by pid ${owner || '?'})`);
      await new Promise((r) => setTimeout(r, Math.min(50, 2 * 2 ** Math.min(attempt, 5))));
    }
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(lockPath, { force: true });
  }
}
