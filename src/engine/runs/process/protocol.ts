/**
 * What a run process (run-process.mjs) and the process that launched it (launch.ts) say to each
 * other over Node's IPC channel. Plain JSON: the child reports once, as soon as the run exists
 * or cannot; everything after that (events, status) is in the run's files.
 */
import type { Diagnostic } from '../../../../dsl/index.ts';

/** Parent → child, right after the spawn when the child was started with --source-from-parent. */
export interface SourceMessage {
  type: 'source';
  /** The exact pipeline text (argv would limit its size and show it in `ps`). */
  source: string;
}

/** Child → parent: the one report. */
export type RunReport =
  /** The run exists (status.json written) and executes in the child, whose pid it records. */
  | { type: 'started'; runId: string; pid: number }
  /** The text has check errors; no run was created (PipelineCheckError). */
  | { type: 'check_failed'; message: string; diagnostics: Diagnostic[]; rendered: string; file: string }
  /** Anything else that stopped the run from being created. */
  | { type: 'error'; message: string };

export function isRunReport(m: unknown): m is RunReport {
  const t = (m as { type?: unknown } | null)?.type;
  return t === 'started' || t === 'check_failed' || t === 'error';
}

export function isSourceMessage(m: unknown): m is SourceMessage {
  return (m as { type?: unknown } | null)?.type === 'source' && typeof (m as SourceMessage).source === 'string';
}
