/**
 * Uploaded files of the /v1/files API, one folder each in the workspace:
 *
 *   .tunebench/files/<file-id>/
 *     file.json        FileRecord (format tunebench.api-file, version 1)
 *     content<.ext>    the bytes as uploaded (the extension, from the client's file name, tells
 *                      the importer the container: .jsonl, .json, .csv, .tsv, .parquet)
 *
 * The folder is named by the id only (file-<24 base-62>): a client's file name never becomes a
 * path, and an id that is not exactly that shape is 404 before any file system access.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../../workspace.ts';
import { writeJsonAtomic } from '../../util/atomic-write.ts';
import type { Finding } from '../../data/validate/finding.ts';
import { notFound } from '../errors.ts';
import { isFileId, unixSeconds } from '../ids.ts';

export const FILE_FORMAT = 'tunebench.api-file';
export const FILE_VERSION = 1;

/** Extensions the importer reads (the data engine's containers). */
export const FILE_EXTENSIONS = ['.jsonl', '.ndjson', '.json', '.csv', '.tsv', '.parquet'] as const;

export interface FileValidation {
  errors: number;
  warnings: number;
  records: number;
  valid: number;
  format: string;
  /** Counts per finding code. */
  counts: Record<string, number>;
  /** The first findings (errors first), with line and field. */
  findings: Finding[];
}

export interface FileRecord {
  format: typeof FILE_FORMAT;
  version: typeof FILE_VERSION;
  id: string;
  /** The client's file name, folders stripped. */
  filename: string;
  /** The stored file's name inside the folder (content.<ext>). */
  stored: string;
  purpose: string;
  bytes: number;
  created_at: string;
  status: 'uploaded' | 'processed' | 'error';
  status_details: string | null;
  validation: FileValidation | null;
}

/** OpenAI's File object, plus the validation report (extra fields are ignored by clients). */
export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: FileRecord['status'];
  status_details: string | null;
  expires_at: null;
  validation: FileValidation | null;
}

export function filesDir(ws: Workspace): string {
  return path.join(ws.dir, 'files');
}

/** The folder of file `id`; a 404 for anything that is not one of our ids. */
export function fileDir(ws: Workspace, id: string): string {
  if (!isFileId(id)) throw fileNotFound(id);
  return path.join(filesDir(ws), id);
}

export function fileNotFound(id: string, param: string | null = null): Error {
  return notFound(`No such File object: ${id}`, 'file_not_found', param);
}

export function toFileObject(r: FileRecord): FileObject {
  return { id: r.id, object: 'file', bytes: r.bytes, created_at: unixSeconds(r.created_at), filename: r.filename, purpose: r.purpose, status: r.status, status_details: r.status_details, expires_at: null, validation: r.validation };
}

export async function writeFileRecord(ws: Workspace, r: FileRecord): Promise<void> {
  await writeJsonAtomic(path.join(fileDir(ws, r.id), 'file.json'), r);
}

export async function readFileRecord(ws: Workspace, id: string, param: string | null = null): Promise<FileRecord> {
  if (!isFileId(id)) throw fileNotFound(id, param);
  let text: string;
  try {
    text = await fsp.readFile(path.join(fileDir(ws, id), 'file.json'), 'utf8');
  } catch {
    throw fileNotFound(id, param);
  }
  const r = JSON.parse(text) as FileRecord;
  if (r.format !== FILE_FORMAT || r.version > FILE_VERSION) throw new Error(`${id}/file.json: not a file record this tunebench reads`);
  return r;
}

/** Absolute path of the stored bytes. */
export function fileContentPath(ws: Workspace, r: FileRecord): string {
  return path.join(fileDir(ws, r.id), r.stored);
}

/** Every file, newest first (OpenAI's default order). Unreadable folders are skipped. */
export async function listFileRecords(ws: Workspace): Promise<FileRecord[]> {
  const names = await fsp.readdir(filesDir(ws)).catch(() => [] as string[]);
  const out: FileRecord[] = [];
  for (const n of names) {
    if (!isFileId(n)) continue;
    try {
      out.push(await readFileRecord(ws, n));
    } catch {
      // a half-written upload or a damaged record
    }
  }
  return out.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
}

export async function deleteFileRecord(ws: Workspace, id: string): Promise<void> {
  const dir = fileDir(ws, id);
  if (!fs.existsSync(path.join(dir, 'file.json'))) throw fileNotFound(id);
  await fsp.rm(dir, { recursive: true, force: true });
}
