/**
 * Cancelling a run from any process. The CLI and the web server are separate processes, so a
 * cancel is a file: cancelRun() writes runs/<id>/cancel-request.json, and the executing process
 * polls for it (and listens for file notifications) and aborts its AbortSignal. A run whose
 * process is gone (stale) or that never started is marked cancelled directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import type { Workspace } from '../workspace.ts';
import { eventLog } from './events.ts';
import { runPaths } from './layout.ts';
import { isStale, readStatus, TERMINAL, writeStatus } from './store.ts';
import type { RunState } from './types.ts';

/** The reason an AbortSignal carries when a run is cancelled. */
export class RunCancelled extends Error {
  constructor(readonly reason: string) {
    super(`run cancelled: ${reason}`);
    this.name = 'RunCancelled';
  }
}

export interface CancelResult {
  /** requested: the running process will stop; cancelled: marked cancelled now; finished: too late. */
  outcome: 'requested' | 'cancelled' | 'finished';
  status: RunState;
  message: string;
}

export async function cancelRun(ws: Workspace, runId: string, reason = 'cancelled by request'): Promise<CancelResult> {
  const p = runPaths(ws, runId);
  const status = await readStatus(ws, runId);
  if (TERMINAL.has(status.status)) return { outcome: 'finished', status: status.status, message: `run ${runId} already ${status.status}` };
  await writeJsonAtomic(p.cancel, { requested_at: new Date().toISOString(), reason, pid: process.pid });
  if (isStale(status) || status.pid === null) {
    const now = new Date().toISOString();
    status.status = 'cancelled';
    status.cancel_reason = reason;
    status.finished_at = now;
    for (const s of status.stages) if (s.state === 'pending' || s.state === 'running') s.state = s.state === 'running' ? 'cancelled' : 'skipped';
    // run_finished before the final status, as the executor does (followers stop on a final status).
    eventLog(p.events, runId).emit({ level: 'warn', type: 'run_finished', message: `run cancelled (${reason}); its process was not running`, data: { status: 'cancelled' } });
    await writeStatus(ws, status);
    return { outcome: 'cancelled', status: 'cancelled', message: `run ${runId} was not running; marked cancelled` };
  }
  return { outcome: 'requested', status: status.status, message: `asked run ${runId} (pid ${status.pid}) to stop` };
}

/** Watches for a cancel request; calls `onCancel(reason)` once. Returns a function that stops watching. */
export function watchCancelRequest(cancelFile: string, onCancel: (reason: string) => void, pollMs = 200): () => void {
  let done = false;
  const check = () => {
    if (done || !fs.existsSync(cancelFile)) return;
    done = true;
    let reason = 'cancelled by request';
    try {
      reason = (JSON.parse(fs.readFileSync(cancelFile, 'utf8')) as { reason?: string }).reason ?? reason;
    } catch {
      // a request without a readable reason still cancels
    }
    stop();
    onCancel(reason);
  };
  const timer = setInterval(check, pollMs);
  timer.unref();
  let watcher: fs.FSWatcher | null = null;
  try {
    watcher = fs.watch(path.dirname(cancelFile), { persistent: false }, check);
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = null;
  }
  function stop() {
    done = true;
    clearInterval(timer);
    watcher?.close();
  }
  check();
  return stop;
}
