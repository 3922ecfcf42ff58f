/**
 * A run whose process exited without writing a final status (killed with SIGKILL, crashed, or
 * killed before the executor recorded its pid) would otherwise read as queued or running until
 * a reader's pid check calls it stale — and a run killed before its pid was recorded never
 * would. The launcher, which saw the process exit, writes the final status instead: failed,
 * with the exit in the message, the running stage failed and the rest skipped.
 */
import type { Workspace } from '../../workspace.ts';
import { eventLog } from '../events.ts';
import { runPaths } from '../layout.ts';
import { stageError } from '../stage-error.ts';
import { readRun, TERMINAL, writeStatus } from '../store.ts';

/** Returns true when it had to mark the run failed. */
export async function settleAbandonedRun(ws: Workspace, runId: string, pid: number, exit: string): Promise<boolean> {
  const run = await readRun(ws, runId).catch(() => null);
  if (!run || TERMINAL.has(run.status.status)) return false;
  const status = run.status;
  if (status.pid !== null && status.pid !== pid) return false; // another process executes it
  const message = `the run's process (pid ${pid}) exited (${exit}) before the run finished`;
  const now = new Date().toISOString();
  const running = status.stages.find((s) => s.state === 'running') ?? null;
  for (const s of status.stages) {
    if (s.state === 'running') {
      s.state = 'failed';
      s.finished_at = now;
      const stage = run.plan.stages.find((p) => p.id === s.id);
      if (stage) s.error = stageError(stage, message, run.source, run.manifest.file);
    } else if (s.state === 'pending') s.state = 'skipped';
  }
  status.status = 'failed';
  status.finished_at = now;
  if (status.started_at) status.elapsed_ms = Date.parse(now) - Date.parse(status.started_at);
  status.error = { message, stage: running?.id ?? null, rendered: null };
  // run_finished before the final status, as the executor does (followers stop on a final status).
  eventLog(runPaths(ws, runId).events, runId).emit({ level: 'error', type: 'run_finished', message: `run failed: ${message}`, data: { status: 'failed' } });
  await writeStatus(ws, status);
  return true;
}
