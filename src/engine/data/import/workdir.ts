/**
 * Where an import keeps its intermediate files. They are written once and read once, so a memory
 * file system (/dev/shm) saves the disk writes, which on a virtual disk cost more CPU than the
 * scan's JSON parsing. Falls back to the workspace's .tunebench/tmp when /dev/shm is missing or
 * short of room. TUNEBENCH_IMPORT_TMP names another folder. Leftovers of crashed imports (their
 * process is gone) are removed on the next import.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from '../../util/process.ts';

const SHM = '/dev/shm';
const PREFIX = 'tunebench-import-';

async function removeStale(dir: string): Promise<void> {
  for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (m && !processAlive(Number(m[1]))) await fsp.rm(path.join(dir, name), { recursive: true, force: true }).catch(() => {});
  }
}

async function roomIn(dir: string): Promise<number> {
  try {
    const st = await fsp.statfs(dir);
    return st.bavail * st.bsize;
  } catch {
    return 0;
  }
}

/** A fresh folder for an import whose intermediate files will take about `bytes`. */
export async function makeWorkDir(fallbackDir: string, bytes: number): Promise<string> {
  const chosen = process.env.TUNEBENCH_IMPORT_TMP;
  let base = fallbackDir;
  if (chosen) base = chosen;
  else if (process.platform === 'linux' && (await roomIn(SHM)) > 2 * bytes + (256 << 20)) base = SHM;
  await fsp.mkdir(base, { recursive: true });
  await removeStale(base);
  return fsp.mkdtemp(path.join(base, `${PREFIX}${process.pid}-`));
}
