/**
 * Receiving dataset uploads: the request body (the file's bytes, not multipart) is streamed to
 * .tunebench/uploads/<id>/<file name> under our own size limit, so a big file never sits in
 * memory and a too-big one gets a clear 413 instead of adapter-node's bare one. The folder also
 * holds the job's record and progress log (import-jobs.ts). An imported upload is the source its
 * version's lineage names, so it is kept; the others are swept after a day.
 */
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../../engine/workspace.ts';
import { readCatalog } from '../../engine/data/catalog.ts';
import { ApiFailure } from './api-error.ts';
import { saveBody } from './body.ts';
import { UPLOAD_EXTENSIONS } from '$lib/uploads';

/** 512 MiB unless TUNEBENCH_UPLOAD_LIMIT says otherwise (bytes, or with K/M/G). */
export const DEFAULT_UPLOAD_LIMIT = 512 * 1024 * 1024;

export function parseByteSize(text: string | undefined): number | null {
  if (!text) return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG]?)i?B?\s*$/i.exec(text);
  if (!m) return null;
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Math.floor(Number(m[1]) * mult);
}

export function uploadLimit(env: NodeJS.ProcessEnv = process.env): number {
  return parseByteSize(env.TUNEBENCH_UPLOAD_LIMIT) ?? DEFAULT_UPLOAD_LIMIT;
}

const ID_RE = /^u-\d{8}-\d{6}-[0-9a-f]{6}$/;

export function isUploadId(id: string): boolean {
  return ID_RE.test(id);
}

export function newUploadId(now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `u-${t}-${randomBytes(3).toString('hex')}`;
}

export function uploadsDir(ws: Workspace): string {
  return path.join(ws.dir, 'uploads');
}

/** The folder of one upload; 404 for an id that is not one of ours (never a path). */
export function uploadDir(ws: Workspace, id: string): string {
  if (!isUploadId(id)) throw new ApiFailure(404, 'upload_not_found', `no upload '${id}'`);
  return path.join(uploadsDir(ws), id);
}

/**
 * The name the file is stored under: its base name (no folders), with characters outside
 * letters, digits, '.', '_' and '-' replaced; refused unless it ends in a dataset extension.
 */
export function safeUploadName(name: string | null | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop()!.trim();
  if (!base) throw new ApiFailure(400, 'missing_file_name', 'say which file this is: ?filename=NAME.jsonl (the extension tells the format apart)');
  const ext = UPLOAD_EXTENSIONS.find((e) => base.toLowerCase().endsWith(e));
  if (!ext) throw new ApiFailure(415, 'unsupported_file_type', `'${base}' is not a dataset file: use ${UPLOAD_EXTENSIONS.join(', ')}`, { accepted: UPLOAD_EXTENSIONS });
  let stem = base.slice(0, base.length - ext.length).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '');
  stem = stem.slice(0, 100) || 'upload';
  return `${stem}${base.slice(base.length - ext.length).toLowerCase()}`;
}

export interface ReceivedUpload {
  id: string;
  dir: string;
  /** Absolute path of the stored file. */
  file: string;
  bytes: number;
}

/** Streams the request body into a new upload folder. Nothing is left behind when it fails. */
export async function receiveUpload(ws: Workspace, request: Request, fileName: string, opts: { maxBytes?: number } = {}): Promise<ReceivedUpload> {
  const name = safeUploadName(fileName);
  const id = newUploadId();
  const dir = uploadDir(ws, id);
  const file = path.join(dir, name);
  await fsp.mkdir(dir, { recursive: true });
  try {
    const bytes = await saveBody(request, file, { maxBytes: opts.maxBytes ?? uploadLimit() });
    if (bytes === 0) throw new ApiFailure(400, 'empty_upload', `${name} is empty: nothing to import`);
    return { id, dir, file, bytes };
  } catch (e) {
    await fsp.rm(dir, { recursive: true, force: true });
    if (e instanceof ApiFailure && e.status === 413) {
      const limit = (e.details as { limit: number }).limit;
      throw new ApiFailure(413, 'upload_too_large', `${name} is larger than the upload limit of ${formatMiB(limit)}. Import big files from the command line (tunebench import FILE), or start the server with a higher TUNEBENCH_UPLOAD_LIMIT.`, { limit });
    }
    throw e;
  }
}

function formatMiB(n: number): string {
  return n >= 1024 ** 3 ? `${+(n / 1024 ** 3).toFixed(1)} GB` : n >= 1024 ** 2 ? `${+(n / 1024 ** 2).toFixed(1)} MB` : `${+(n / 1024).toFixed(1)} KB`;
}

/** Upload folders that catalog lineage points at (the sources of imported versions). */
async function referencedUploads(ws: Workspace): Promise<Set<string>> {
  const cat = await readCatalog(ws);
  const used = new Set<string>();
  for (const e of Object.values(cat.datasets)) {
    for (const v of e.versions) {
      if (v.lineage.kind !== 'import') continue;
      const m = /(?:^|[\\/])uploads[\\/](u-[^\\/]+)[\\/]/.exec(v.lineage.file);
      if (m) used.add(m[1]);
    }
  }
  return used;
}

/** Removes uploads older than maxAgeMs that no dataset version came from. Returns how many. */
export async function sweepUploads(ws: Workspace, maxAgeMs = 24 * 3600_000, now = Date.now()): Promise<number> {
  const dir = uploadsDir(ws);
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  if (!names.length) return 0;
  const used = await referencedUploads(ws);
  let removed = 0;
  for (const n of names) {
    if (!isUploadId(n) || used.has(n)) continue;
    const st = await fsp.stat(path.join(dir, n)).catch(() => null);
    if (!st || now - st.mtimeMs < maxAgeMs) continue;
    await fsp.rm(path.join(dir, n), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
