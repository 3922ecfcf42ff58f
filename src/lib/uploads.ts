/**
 * Dataset uploads as the browser and the /api/uploads routes see them. A web upload is stored
 * under .tunebench/uploads/<id>/ with its job record and progress log, then imported (or only
 * validated) on the server; the page follows it over SSE. No server imports here.
 */
import type { Finding, Severity } from '../engine/data/validate/finding.ts';

export type { Finding, Severity };

/** What the server accepts; the names the import door uses (src/engine/data/formats/types.ts). */
export const UPLOAD_FORMATS = ['openai', 'prompt-completion', 'context-response', 'csv', 'parquet'] as const;
export type UploadFormat = (typeof UPLOAD_FORMATS)[number];

/** File types the upload accepts (by extension). */
export const UPLOAD_EXTENSIONS = ['.jsonl', '.ndjson', '.json', '.csv', '.tsv', '.parquet'] as const;

export type UploadMode = 'import' | 'validate';

export interface UploadSettings {
  mode: UploadMode;
  /** Dataset name (import only); the file's base name when empty. */
  name: string;
  format: UploadFormat | null;
  skipInvalid: boolean;
  /**
   * CSV / Parquet column mapping as `tunebench import --map` takes it
   * (`user=instruction,assistant=response,intent=label`); absent: guessed from the column names.
   */
  map?: string;
}

/** POST /api/uploads answers with this (202): the job exists and runs. */
export interface UploadStarted {
  id: string;
  /** SSE: progress, done, failed, end. */
  events: string;
  /** The page that shows the report. */
  page: string;
}

export interface UploadProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
}

/** The report of a finished job: an import's result, or a validation's report. */
export interface UploadOutcome {
  mode: UploadMode;
  ok: boolean;
  /** created / versioned / unchanged / failed (import); valid / invalid (validate). */
  status: 'created' | 'versioned' | 'unchanged' | 'failed' | 'valid' | 'invalid';
  message: string;
  /** Dataset name (import) and the version it made or kept. */
  name: string | null;
  version: number | null;
  rows: number;
  file: string;
  format: string;
  /** CSV / Parquet: the column mapping used, as given or as guessed (absent in reports written before mappings were recorded). */
  mapping?: { text: string; given: boolean } | null;
  lines: number;
  records: number;
  valid: number;
  errors: number;
  warnings: number;
  duplicates: number;
  counts: Record<string, { severity: Severity; count: number }>;
  /** The kept findings (at most a few hundred per code; `counts` has every one). */
  findings: Finding[];
  skippedLines: number[];
  elapsedMs: number;
}

export type UploadState = 'running' | 'done' | 'error' | 'interrupted';

export interface UploadJob {
  id: string;
  /** The uploaded file's name as the user had it. */
  file: string;
  bytes: number;
  settings: UploadSettings;
  state: UploadState;
  created_at: string;
  finished_at: string | null;
  /** Set when the job crashed (not when the file had errors: that is outcome.ok = false). */
  error: string | null;
  outcome: UploadOutcome | null;
}

/** Events on GET /api/uploads/[id]/events. */
export type UploadEvents = {
  progress: UploadProgress;
  done: UploadOutcome;
  failed: { message: string };
  end: { state: UploadState };
};

export function uploadPage(id: string): string {
  return `/datasets/uploads/${encodeURIComponent(id)}`;
}

export function uploadLinePage(id: string, line: number): string {
  return `${uploadPage(id)}/line/${line}`;
}

export function uploadEventsUrl(id: string): string {
  return `/api/uploads/${encodeURIComponent(id)}/events`;
}
