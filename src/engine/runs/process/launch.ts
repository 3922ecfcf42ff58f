/**
 * Starting a run in its own Node process (run-process.mjs → child.ts), so that its stages —
 * training above all — never block the caller's event loop. The web server uses this for the
 * editor's Run button and the run page's Rerun.
 *
 *   const r = await launchRun(ws, { source, file });      // or { rerun: runId }
 *   if (r.type === 'check_failed') … r.diagnostics …      // no run was created
 *   else r.runId, r.pid                                   // the run executes in process r.pid
 *
 * launchRun resolves once the child has created the run (or found check errors); it rejects with
 * RunLaunchError when the child reports another error, dies first, or stays silent past the
 * timeout. The child is tracked until it exits: stopLaunchedRuns() (called on server shutdown and
 * on this process's exit) sends each one SIGTERM, and its run ends cancelled with the reason in
 * its status. A child that exits without a final status gets one (abandoned.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../util/repo-root.ts';
import type { Workspace } from '../../workspace.ts';
import { settleAbandonedRun } from './abandoned.ts';
import { isRunReport, type RunReport, type SourceMessage } from './protocol.ts';

/** A pipeline text to run (file: the name to show and record), or a recorded run to run again. */
export type LaunchRequest = { source: string; file: string } | { rerun: string };

export interface LaunchOptions {
  /** Added to process.env for the child (TUNEBENCH_MODELS and the rest pass through anyway). */
  env?: NodeJS.ProcessEnv;
  /** How long the child may take to load, check the pipeline and create the run. */
  reportTimeoutMs?: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type CheckFailedReport = Extract<RunReport, { type: 'check_failed' }>;

export type LaunchResult = { type: 'started'; runId: string; pid: number; exited: Promise<ProcessExit> } | CheckFailedReport;

export class RunLaunchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunLaunchError';
  }
}

export const DEFAULT_REPORT_TIMEOUT_MS = 120_000;

interface Live {
  child: ChildProcess;
  runId: string | null;
  signalled: boolean;
}

const live = new Set<Live>();
let exitHookInstalled = false;

/** The plain-JS entry, found from the repository root (this module may run inside a Vite bundle). */
export function runProcessScript(): string {
  return path.join(repoRoot(), 'src', 'engine', 'runs', 'process', 'run-process.mjs');
}

function describeExit(e: ProcessExit): string {
  return e.signal ?? `code ${e.code}`;
}

export async function launchRun(ws: Workspace, request: LaunchRequest, opts: LaunchOptions = {}): Promise<LaunchResult> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => stopLaunchedRuns());
  }
  const target = 'rerun' in request ? ['--rerun', request.rerun] : ['--file', request.file, '--source-from-parent'];
  const child = spawn(process.execPath, [runProcessScript(), '--workspace', ws.root, ...target], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc']
  });
  const entry: Live = { child, runId: null, signalled: false };
  live.add(entry);
  const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let tail = '';
  child.stderr!.on('data', (d: Buffer) => {
    process.stderr.write(d);
    tail = (tail + d.toString()).slice(-2000);
  });
  void exited.then(async (exit) => {
    live.delete(entry);
    if (entry.runId) await settleAbandonedRun(ws, entry.runId, child.pid!, describeExit(exit)).catch((e) => console.error(`tunebench: run ${entry.runId}: could not record that its process exited:`, e));
  });
  if (!('rerun' in request)) {
    const message: SourceMessage = { type: 'source', source: request.source };
    child.send(message, () => {}); // a failed send shows up as the child's exit below
  }

  const report = await firstReport(child, exited, opts.reportTimeoutMs ?? DEFAULT_REPORT_TIMEOUT_MS, () => tail);
  if (report.type === 'error') throw new RunLaunchError(report.message);
  if (report.type === 'check_failed') return report;
  entry.runId = report.runId;
  return { type: 'started', runId: report.runId, pid: report.pid, exited };
}

function firstReport(child: ChildProcess, exited: Promise<ProcessExit>, timeoutMs: number, tail: () => string): Promise<RunReport> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off('message', onMessage);
      fn();
    };
    const onMessage = (m: unknown) => {
      if (isRunReport(m)) finish(() => resolve(m));
    };
    const timer = setTimeout(() => {
      finish(() => reject(new RunLaunchError(`the run's process (pid ${child.pid}) did not report within ${Math.round(timeoutMs / 1000)} s; it was stopped`)));
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('error', (e) => finish(() => reject(new RunLaunchError(`could not start the run's process: ${e.message}`))));
    // Messages sent before the channel closed arrive before 'disconnect': a child that reported
    // and then exited has resolved by now.
    child.once('disconnect', () =>
      void exited.then((exit) => {
        const why = tail().trim().split('\n').slice(-5).join(' | ');
        finish(() => reject(new RunLaunchError(`the run's process exited (${describeExit(exit)}) before it created the run${why ? `: ${why}` : ''}`)));
      })
    );
  });
}

/** Runs whose process this process started and that still execute. */
export function launchedRuns(): { runId: string | null; pid: number }[] {
  return [...live].map((l) => ({ runId: l.runId, pid: l.child.pid! }));
}

/** Asks every launched run's process to stop (once each): the runs end cancelled. */
export function stopLaunchedRuns(): void {
  for (const l of live) {
    if (l.signalled || l.child.exitCode !== null || l.child.signalCode !== null) continue;
    l.signalled = true;
    l.child.kill('SIGTERM');
  }
}
