/**
 * How runs look in the terminal, shared by `run`, `rerun`, `runs` and `show`: a progress bar per
 * running stage, one line per finished stage (rows in → out, time, rows/s, cache hit or why it
 * re-ran), and compact summaries.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { CliContext, CliIO } from '../command.ts';
import { UsageError } from '../command.ts';
import { formatDuration } from '../format.ts';
import { progressBar, type ProgressBar } from '../progress.ts';
import { PipelineCheckError, type RunEvent, type RunStatus, type StageStatus } from '../../engine/runs/index.ts';

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined ? '?' : n.toLocaleString('en-US');
}

export function cacheText(s: Pick<StageStatus, 'cache'>): string {
  if (!s.cache) return '';
  return s.cache.hit ? 'cache hit' : `ran: ${s.cache.reason}`;
}

const MARK: Record<string, string> = { succeeded: '✓', failed: '✗', cancelled: '■', skipped: '·', pending: '·', running: '…' };

/** One line for a finished (or skipped) stage. */
export function stageLine(s: StageStatus, width = 14): string {
  const rows = s.rows_in !== null || s.rows_out !== null ? `${fmtInt(s.rows_in)} → ${fmtInt(s.rows_out)} rows` : '';
  const time = s.elapsed_ms !== null ? formatDuration(s.elapsed_ms) : '';
  const rate = s.rows_in && s.elapsed_ms && !s.cache?.hit ? `${fmtInt(Math.round((s.rows_in * 1000) / Math.max(1, s.elapsed_ms)))} rows/s` : '';
  const parts = [rows, time, rate, s.state === 'skipped' ? 'skipped' : cacheText(s)].filter(Boolean);
  return `${MARK[s.state] ?? '?'} ${s.id.padEnd(width)} ${s.kind.padEnd(13)} ${parts.join('  ')}`;
}

/**
 * Follows a run's events: a progress bar while a stage runs (terminals only), and its line as
 * soon as it ends; `finish` prints what is left (skipped stages, the error, the outcome).
 */
export function runReporter(io: CliIO) {
  const bars = new Map<string, ProgressBar>();
  const started = new Map<string, number>();
  const printed = new Set<string>();
  let width = 12;
  const line = (s: StageStatus) => {
    printed.add(s.id);
    io.out(stageLine(s, width));
  };
  const fromEvent = (e: RunEvent, state: StageStatus['state']): StageStatus => {
    const d = e.data as { kind?: string; rows_in?: number | null; rows_out?: number | null; elapsed_ms?: number | null; reason?: string; key?: string | null };
    return {
      id: e.stage!,
      kind: (d.kind ?? '') as StageStatus['kind'],
      name: e.stage!,
      span: { start: 0, end: 0 },
      state,
      started_at: null,
      finished_at: null,
      elapsed_ms: d.elapsed_ms ?? (started.has(e.stage!) ? Date.now() - started.get(e.stage!)! : null),
      rows_in: d.rows_in ?? null,
      rows_out: d.rows_out ?? null,
      cache: e.type === 'stage_cached' ? { key: d.key ?? null, hit: true, reason: 'cached output reused', ingredients: null } : reasons.has(e.stage!) ? { key: null, hit: false, reason: reasons.get(e.stage!)!, ingredients: null } : null,
      summary: null,
      outputs: {},
      error: null
    };
  };
  const reasons = new Map<string, string>();
  return {
    setWidth(w: number) {
      width = Math.max(8, w);
    },
    onEvent(e: RunEvent) {
      if (!e.stage) return;
      if (e.type === 'stage_started') {
        started.set(e.stage, Date.now());
        reasons.set(e.stage, String((e.data as { reason?: string }).reason ?? ''));
        if (io.isTTY) bars.set(e.stage, progressBar(io, `  ${e.stage}`));
      } else if (e.type === 'stage_progress') {
        const d = e.data as { done: number; total?: number | null; unit: string; phase?: string };
        const t0 = started.get(e.stage) ?? Date.now();
        const rate = d.unit === 'rows' && Date.now() > t0 + 50 ? ` ${fmtInt(Math.round((d.done * 1000) / (Date.now() - t0)))} rows/s` : '';
        bars.get(e.stage)?.update(d.done, d.total ?? undefined, `${d.phase ?? ''} ${d.unit}${rate}`.trim());
      } else if (e.type === 'stage_finished' || e.type === 'stage_cached' || e.type === 'stage_cancelled') {
        bars.get(e.stage)?.done();
        bars.delete(e.stage);
        line(fromEvent(e, e.type === 'stage_cancelled' ? 'cancelled' : 'succeeded'));
      } else if (e.type === 'stage_failed') {
        bars.get(e.stage)?.done();
        bars.delete(e.stage);
      } else if (e.type === 'cache_warning' || (e.type === 'log' && e.level === 'warn')) {
        io.err(`warning: ${e.message}`);
      }
    },
    /** Prints the stages not printed yet, the error and the outcome; returns the exit code. */
    finish(status: RunStatus): number {
      for (const s of status.stages) if (!printed.has(s.id)) line(s);
      return printOutcome(io, status, false);
    }
  };
}

/** Prints the stage lines (unless already shown), the error and the outcome; returns the exit code. */
export function printOutcome(io: CliIO, status: RunStatus, withStages = true): number {
  if (withStages) {
    const width = Math.max(8, ...status.stages.map((s) => s.id.length));
    for (const s of status.stages) io.out(stageLine(s, width));
  }
  const hits = status.stages.filter((s) => s.cache?.hit).length;
  io.out('');
  if (status.error?.rendered) io.out(status.error.rendered + '\n');
  const took = status.elapsed_ms !== null ? formatDuration(status.elapsed_ms) : '?';
  io.out(`run ${status.run_id} ${status.status} in ${took} (${hits} of ${status.stages.length} stages from the cache)`);
  if (status.status !== 'succeeded' && !status.error?.rendered && status.error) io.out(status.error.message);
  io.out(`details: tunebench show ${status.run_id}`);
  return status.status === 'succeeded' ? 0 : status.status === 'cancelled' ? 130 : 1;
}

/** Reads a pipeline file named on the command line. */
export async function readPipelineFile(file: string): Promise<string> {
  try {
    return await fsp.readFile(path.resolve(file), 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** Prints check errors the way `tunebench check` does; returns the exit code 1. */
export function printCheckError(ctx: CliContext, e: PipelineCheckError): number {
  ctx.io.out(e.rendered + '\n');
  ctx.io.out(e.message);
  return 1;
}

/** Ctrl-C cancels the run (first press) or exits at once (second press). */
export function cancelOnSigint(io: CliIO): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let presses = 0;
  const onSigint = () => {
    presses++;
    if (presses === 1) {
      io.err('\ncancelling (Ctrl-C again to quit at once)…');
      controller.abort(new Error('interrupted (Ctrl-C)'));
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
