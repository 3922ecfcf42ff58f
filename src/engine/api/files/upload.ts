/**
 * POST /v1/files: a multipart body with `purpose` and `file`. The file part streams into a new
 * file folder under the upload limit (TUNEBENCH_MAX_UPLOAD, default 512 MB as OpenAI's), then the
 * data engine's own validator (validateFile, the same checks as `tunebench validate` and the
 * workbench upload) decides its status: processed, or error with the findings in status_details.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../../workspace.ts';
import { validateFile } from '../../data/import.ts';
import { startDataJob } from '../../data/import/process/launch.ts';
import { SEVERITY_RANK } from '../../data/validate/finding.ts';
import { badParam, OpenAIError } from '../errors.ts';
import { newFileId } from '../ids.ts';
import { boundaryOf, MultipartError, readMultipart } from './multipart.ts';
import { FILE_EXTENSIONS, FILE_FORMAT, FILE_VERSION, fileDir, writeFileRecord, type FileRecord, type FileValidation } from './store.ts';

export const DEFAULT_MAX_UPLOAD = 512 * 1024 * 1024;

/** Bytes from "536870912", "512M", "512MB", "1.5G" (binary multiples). */
export function parseSize(text: string | undefined): number | null {
  if (!text) return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG]?)i?B?\s*$/i.exec(text);
  if (!m) return null;
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Math.floor(Number(m[1]) * mult);
}

/** TUNEBENCH_MAX_UPLOAD, else the workbench's TUNEBENCH_UPLOAD_LIMIT, else 512 MB. */
export function maxUploadBytes(env: NodeJS.ProcessEnv = process.env): number {
  return parseSize(env.TUNEBENCH_MAX_UPLOAD) ?? parseSize(env.TUNEBENCH_UPLOAD_LIMIT) ?? DEFAULT_MAX_UPLOAD;
}

/** The client's name without folders; the extension must be one the importer reads. */
export function cleanFileName(name: string): { display: string; ext: string } {
  const base = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  const ext = FILE_EXTENSIONS.find((e) => base.toLowerCase().endsWith(e));
  if (!base || base === '.' || base === '..') throw badParam('file', `the file part has no usable file name ('${name}')`, 'invalid_file_name');
  if (!ext) throw badParam('file', `'${base}' is not a dataset file: upload ${FILE_EXTENSIONS.join(', ')} (OpenAI's fine-tuning format is JSON Lines)`, 'unsupported_file_type');
  return { display: base, ext };
}

const SHOWN_FINDINGS = 20;

/** Files up to this size are validated in the server process; bigger ones in a child process. */
export const IN_PROCESS_VALIDATION_BYTES = 4 * 1024 * 1024;

type Report = Awaited<ReturnType<typeof validateFile>>;

/**
 * The data engine's validator, in process for small files, else in its own process (the one the
 * workbench's uploads use: data/import/process), so a 500 MB scan never blocks the event loop.
 */
async function validate(file: string, display: string, bytes: number, tmpDir: string): Promise<Report> {
  if (bytes <= IN_PROCESS_VALIDATION_BYTES) return validateFile(file, { displayName: display, tmpDir, workers: 1 });
  return startDataJob({ mode: 'validate', file, options: { displayName: display, tmpDir } }).done;
}

function summarize(report: Report): { validation: FileValidation; details: string | null; ok: boolean } {
  const findings = [...report.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]).slice(0, SHOWN_FINDINGS);
  const counts = Object.fromEntries(Object.entries(report.counts).map(([k, v]) => [k, v.count]));
  const validation: FileValidation = { errors: report.errors, warnings: report.warnings, records: report.records, valid: report.valid, format: report.detection.format, counts, findings };
  const ok = report.errors === 0 && report.valid > 0;
  if (ok) return { validation, details: null, ok };
  const errs = findings.filter((f) => f.severity === 'error').slice(0, 5);
  const where = (f: (typeof errs)[number]) => `${f.line !== null ? `line ${f.line}` : 'file'}${f.path ? ` ${f.path}` : ''}`;
  const lines = errs.map((f) => `${where(f)}: ${f.message} (${f.code})`);
  const head = report.errors ? `${report.errors} error${report.errors === 1 ? '' : 's'} in ${report.records} record${report.records === 1 ? '' : 's'}` : 'no valid records';
  return { validation, details: `${head}: ${lines.join('; ') || 'the file holds no examples'}${report.errors > errs.length ? `; and ${report.errors - errs.length} more` : ''}`, ok };
}

/** Receives, stores and validates an upload; returns its record. Nothing is left behind on failure. */
export async function receiveFile(ws: Workspace, request: Request, opts: { maxBytes?: number } = {}): Promise<FileRecord> {
  const maxBytes = opts.maxBytes ?? maxUploadBytes();
  let boundary: string;
  try {
    boundary = boundaryOf(request.headers.get('content-type'));
  } catch (e) {
    throw badParam(null, (e as Error).message, 'invalid_content_type');
  }
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) throw badParam('file', 'the request has no body', 'missing_file');

  const id = newFileId();
  const dir = fileDir(ws, id);
  await fsp.mkdir(dir, { recursive: true });
  let stored: { display: string; ext: string } | null = null;
  try {
    const result = await readMultipart(request.body as unknown as AsyncIterable<Uint8Array>, boundary, {
      maxBytes,
      fileTarget: (field, filename) => {
        if (field !== 'file' || stored) return null;
        stored = cleanFileName(filename);
        return path.join(dir, `content${stored.ext}`);
      }
    });
    const purpose = result.fields.purpose;
    if (!purpose) throw badParam('purpose', "missing 'purpose': send purpose=fine-tune with the file", 'missing_required_parameter');
    if (purpose !== 'fine-tune') throw badParam('purpose', `purpose '${purpose}' is not supported here: tunebench stores files for fine-tuning (purpose=fine-tune)`, 'invalid_purpose');
    const file = result.files.find((f) => f.field === 'file');
    if (!file || !stored) throw badParam('file', "missing the 'file' part (multipart/form-data with a file field named 'file')", 'missing_required_parameter');
    const name = stored as { display: string; ext: string };
    const record: FileRecord = { format: FILE_FORMAT, version: FILE_VERSION, id, filename: name.display, stored: `content${name.ext}`, purpose, bytes: file.bytes, created_at: new Date().toISOString(), status: 'uploaded', status_details: null, validation: null };
    if (file.bytes === 0) Object.assign(record, { status: 'error', status_details: 'the file is empty: no training examples' });
    else {
      const report = await validate(file.path, name.display, file.bytes, ws.tmpDir);
      const s = summarize(report);
      Object.assign(record, { status: s.ok ? 'processed' : 'error', status_details: s.details, validation: s.validation });
    }
    await writeFileRecord(ws, record);
    return record;
  } catch (e) {
    await fsp.rm(dir, { recursive: true, force: true });
    if (e instanceof MultipartError) throw e.code === 'too_large' ? tooLarge(maxBytes) : badParam(null, e.message, 'invalid_multipart');
    throw e;
  }
}

function tooLarge(maxBytes: number): OpenAIError {
  const mb = +(maxBytes / 1024 / 1024).toFixed(1);
  return new OpenAIError(413, `File is too large: the upload limit is ${mb} MB (set TUNEBENCH_MAX_UPLOAD to change it)`, { param: 'file', code: 'file_too_large' });
}
