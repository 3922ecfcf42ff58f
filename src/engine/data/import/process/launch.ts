/**
 * Importing or validating a dataset file in its own Node process (import-process.mjs →
 * child.ts), so that the work never blocks the caller's event loop: the web server uses this for
 * uploads (lib/server/import-jobs.ts) and for big /v1/files uploads (api/files/upload.ts).
 *
 *   const job = startDataJob({ mode: 'import', workspace: ws.root, file, options: { name } }, { onProgress });
 *   const result = await job.done;        // ImportResult (validate: Report), as the engine returns it
 *   job.stop();                           // SIGTERM: the import stops at its next check, storing nothing
 *
 * `done` rejects with DataJobError: kind `failed` (importDataset / validateFile threw), `stopped`
 * (the process was told to stop, or killed by a signal) or `crashed` (it exited without an
 * outcome, or did not start within startTimeoutMs). Loaded from the source tree through tsx, the
 * child's imports use scan worker threads for big files, as the CLI does. Children are tracked
 * until they exit; on this process's exit stopDataJobs() sends each one SIGTERM (the web server
 * stops its upload jobs earlier, on shutdown: import-jobs.ts).
 *
 * Cost: starting the process takes ~0.6 s (tsx and the engine's modules), which a small upload
 * now waits. Gain (bench/web-import.bench.mts, 2 cores, 1,000,000 rows uploaded to the built
 * server): GET /api/health while importing p95 9 ms instead of 86 ms (idle 6 ms), and the job
 * takes 10.3 s instead of 12.2 s (the CLI: 9.1 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Progress } from '../../import.ts';
import { repoRoot } from '../../../util/repo-root.ts';
import { isJobReport, PROGRESS_EVERY_MS, type DataJob, type JobMessage, type JobReport, type ResultOf } from './protocol.ts';

export type { DataJob, ResultOf };

export interface DataJobOptions {
  /** Throttled progress of the scan (at most one call per progressEveryMs, and the last one). */
  onProgress?: (p: Progress) => void;
  progressEveryMs?: number;
  /** Added to process.env for the child. */
  env?: NodeJS.ProcessEnv;
  /** How long the child may take to load and report `started`. */
  startTimeoutMs?: number;
}

export type DataJobErrorKind = 'failed' | 'stopped' | 'crashed';

export class DataJobError extends Error {
  constructor(
    message: string,
    readonly kind: DataJobErrorKind
  ) {
    super(message);
    this.name = 'DataJobError';
  }
}

export interface DataJobRun<J extends DataJob> {
  pid: number;
  /** Resolves when the child has loaded and received the job. */
  started: Promise<{ scanWorkers: boolean }>;
  /** Settles once the child has reported its outcome and exited. */
  done: Promise<ResultOf<J>>;
  /** Asks the child to stop (SIGTERM, once); `done` then rejects with kind `stopped`, unless the job had finished. */
  stop(): void;
}

export const DEFAULT_START_TIMEOUT_MS = 60_000;

interface Live {
  child: ChildProcess;
  job: DataJob;
  signalled: boolean;
}

const live = new Set<Live>();
let exitHookInstalled = false;

/** The plain-JS entry, found from the repository root (this module may run inside a Vite bundle). */
export function importProcessScript(): string {
  return path.join(repoRoot(), 'src', 'engine', 'data', 'import', 'process', 'import-process.mjs');
}

function signalOnce(l: Live): void {
  if (l.signalled || l.child.exitCode !== null || l.child.signalCode !== null) return;
  l.signalled = true;
  l.child.kill('SIGTERM');
}

export function startDataJob<J extends DataJob>(job: J, opts: DataJobOptions = {}): DataJobRun<J> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => stopDataJobs());
  }
  const child = spawn(process.execPath, [importProcessScript()], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc']
  });
  const entry: Live = { child, job, signalled: false };
  live.add(entry);
  let tail = '';
  child.stderr!.on('data', (d: Buffer) => {
    process.stderr.write(d);
    tail = (tail + d.toString()).slice(-2000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(() => live.delete(entry));
  const message: JobMessage = { type: 'job', job, progressEveryMs: opts.progressEveryMs ?? PROGRESS_EVERY_MS };
  child.send(message, () => {}); // a failed send shows up as the child's exit below

  let onStarted!: (s: { scanWorkers: boolean }) => void;
  let notStarted!: (e: DataJobError) => void;
  const started = new Promise<{ scanWorkers: boolean }>((resolve, reject) => ((onStarted = resolve), (notStarted = reject)));
  started.catch(() => {}); // callers need not wait for it: `done` carries the same error

  const done = new Promise<ResultOf<J>>((resolve, reject) => {
    let outcome: Extract<JobReport, { type: 'done' | 'failed' }> | null = null;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const fail = (e: DataJobError) => finish(() => (notStarted(e), reject(e)));
    const timeoutMs = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const timer = setTimeout(() => {
      fail(new DataJobError(`the import process (pid ${child.pid}) did not start within ${Math.round(timeoutMs / 1000)} s; it was stopped`, 'crashed'));
      signalOnce(entry);
    }, timeoutMs);
    child.on('message', (m: unknown) => {
      if (!isJobReport(m) || outcome) return;
      if (m.type === 'started') {
        clearTimeout(timer);
        onStarted({ scanWorkers: m.scanWorkers });
      } else if (m.type === 'progress') opts.onProgress?.({ bytes: m.bytes, totalBytes: m.totalBytes, rows: m.rows });
      else outcome = m;
    });
    child.once('error', (e) => {
      live.delete(entry); // a process that never started has no 'exit'
      fail(new DataJobError(`could not start the import process: ${e.message}`, 'crashed'));
    });
    // Settles once the child is gone, so that no job outlives its `done`. Messages sent before
    // the channel closed arrive before 'disconnect'.
    child.once('disconnect', () =>
      void exited.then((exit) => {
        const o = outcome as Extract<JobReport, { type: 'done' | 'failed' }> | null; // set by the message handler
        if (o?.type === 'done') return finish(() => resolve(o.result as ResultOf<J>));
        if (o?.type === 'failed') {
          const e = new DataJobError(o.message, o.aborted ? 'stopped' : 'failed');
          // Where it failed, in the child (the frames of its stack under this error's first line).
          if (o.stack) e.stack = [`${e.name}: ${e.message}`, ...o.stack.split('\n').filter((l) => /^\s+at /.test(l))].join('\n');
          return fail(e);
        }
        const how = exit.signal ?? `code ${exit.code}`;
        const why = tail.trim().split('\n').slice(-5).join(' | ');
        fail(new DataJobError(`the import process (pid ${child.pid}) exited (${how}) before it finished${why ? `: ${why}` : ''}`, exit.signal ? 'stopped' : 'crashed'));
      })
    );
  });

  return { pid: child.pid!, started, done, stop: () => signalOnce(entry) };
}

/** Import processes this process started that still run. */
export function runningDataJobs(): { pid: number; mode: DataJob['mode']; file: string }[] {
  return [...live].map((l) => ({ pid: l.child.pid!, mode: l.job.mode, file: l.job.file }));
}

/** Asks every running import process to stop (once each); nothing they were importing is stored. */
export function stopDataJobs(): void {
  for (const l of live) signalOnce(l);
}
