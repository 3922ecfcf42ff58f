/**
 * Content hashes of source files with cheap change detection: the size and mtime seen at the last
 * hash are kept in .tunebench/file-hashes.json, and a file is re-read only when either differs
 * (DVC's approach). The paths here are only an index for this machine; cache keys hold the hash.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import { withLock } from '../util/lock.ts';
import type { Workspace } from '../workspace.ts';

const FORMAT = 1;

interface Entry {
  size: number;
  mtime_ms: number;
  sha256: string;
}

interface Index {
  format: number;
  files: Record<string, Entry>;
}

function indexPath(ws: Workspace): string {
  return path.join(ws.dir, 'file-hashes.json');
}

async function readIndex(ws: Workspace): Promise<Index> {
  try {
    const v = JSON.parse(await fsp.readFile(indexPath(ws), 'utf8')) as Index;
    if (v.format === FORMAT && v.files && typeof v.files === 'object') return v;
  } catch {
    // missing or damaged: start again (it is only a cache of hashes)
  }
  return { format: FORMAT, files: {} };
}

async function hashFile(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface FileHash {
  sha256: string;
  size: number;
  /** True when the hash was computed now (size or mtime changed, or never seen). */
  rehashed: boolean;
}

/** The sha256 of a file's content, re-reading the file only when its size or mtime changed. */
export async function fileContentHash(ws: Workspace, file: string): Promise<FileHash> {
  const abs = path.resolve(file);
  const st = await fsp.stat(abs);
  if (!st.isFile()) throw new Error(`${file} is not a file`);
  const known = (await readIndex(ws)).files[abs];
  if (known && known.size === st.size && known.mtime_ms === st.mtimeMs) return { sha256: known.sha256, size: st.size, rehashed: false };
  const sha256 = await hashFile(abs);
  await withLock(path.join(ws.dir, 'file-hashes.lock'), async () => {
    const idx = await readIndex(ws);
    idx.files[abs] = { size: st.size, mtime_ms: st.mtimeMs, sha256 };
    await writeJsonAtomic(indexPath(ws), idx);
  });
  return { sha256, size: st.size, rehashed: true };
}
