/**
 * Folder copies by hard link (checkpoints are written once and never modified in place, so a
 * link is as good as a copy and costs no space), falling back to a copy across file systems.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

export async function linkTree(src: string, dst: string): Promise<void> {
  await fsp.mkdir(dst, { recursive: true });
  for (const e of await fsp.readdir(src, { withFileTypes: true })) {
    const from = path.join(src, e.name);
    const to = path.join(dst, e.name);
    if (e.isDirectory()) await linkTree(from, to);
    else if (e.isFile()) {
      await fsp.rm(to, { force: true });
      try {
        await fsp.link(from, to);
      } catch {
        await fsp.copyFile(from, to);
      }
    }
  }
}

/** Total bytes of the files under `dir`. */
export function treeBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? treeBytes(p) : e.isFile() ? fs.statSync(p).size : 0;
  }
  return n;
}
