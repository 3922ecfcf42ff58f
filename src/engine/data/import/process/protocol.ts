/**
 * What an import process (import-process.mjs) and the process that started it (launch.ts) say to
 * each other over Node's IPC channel. Plain JSON: the parent sends the job once, right after the
 * spawn; the child reports `started`, then `progress` (throttled), then exactly one `done` or
 * `failed`, and exits.
 */
import type { ImportOptions, ImportResult, Progress, ReadOptions, Report } from '../../import.ts';

/** Options that cross the process boundary (callbacks and signals stay in each process). */
type Plain<T> = Omit<T, 'onProgress' | 'signal'>;

/** One piece of work for an import process: the arguments of importDataset or validateFile. */
export type DataJob =
  | { mode: 'import'; /** Workspace root. */ workspace: string; file: string; options: Plain<ImportOptions> }
  | { mode: 'validate'; file: string; options: Plain<ReadOptions> & { tmpDir?: string; displayName?: string } };

export type ResultOf<J extends DataJob> = J extends { mode: 'import' } ? ImportResult : Report;

/** Parent → child, once. */
export interface JobMessage {
  type: 'job';
  job: DataJob;
  /** At most one progress report per this many milliseconds (the last one always goes). */
  progressEveryMs: number;
}

/** Child → parent. */
export type JobReport =
  /** The job was received and the engine loaded; `scanWorkers`: whether scans can use worker threads here. */
  | { type: 'started'; pid: number; scanWorkers: boolean }
  | ({ type: 'progress' } & Progress)
  | { type: 'done'; result: ImportResult | Report }
  /** importDataset / validateFile threw (`stack`: where); `aborted`: because the process was told to stop. Nothing was stored. */
  | { type: 'failed'; message: string; aborted: boolean; stack?: string };

/** Progress reports go at most this often (the job log and the page need no more). */
export const PROGRESS_EVERY_MS = 150;

export function isJobReport(m: unknown): m is JobReport {
  const t = (m as { type?: unknown } | null)?.type;
  return t === 'started' || t === 'progress' || t === 'done' || t === 'failed';
}

export function isJobMessage(m: unknown): m is JobMessage {
  const x = m as Partial<JobMessage> | null;
  return x?.type === 'job' && typeof x.job === 'object' && x.job !== null && (x.job.mode === 'import' || x.job.mode === 'validate');
}
