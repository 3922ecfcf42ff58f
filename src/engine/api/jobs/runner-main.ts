/**
 * The body of a job's process: `node runner.mjs --workspace ROOT --job ftjob-…`.
 *
 * Runs the job's pipeline through the normal runtime (startRun; a job that ran before — paused,
 * or interrupted by a server stop — continues with rerun(), whose train stage adopts the
 * checkpoints of the earlier run and goes on from the newest one), records the run id on the
 * job, and waits for the end. Training happens here, never in the web server's event loop.
 *
 * Stopping: a cancel or pause from the server is a cancel-request file the run watches
 * (runs/cancel.ts); the trainer writes a step checkpoint at the next step boundary and stops.
 * SIGTERM, SIGINT or the server going away (the IPC channel closes) mean "interrupted": the job
 * is marked pending again, so the next server start resumes it from that checkpoint.
 */
import { openWorkspace } from '../../workspace.ts';
import { cancelRun, PipelineCheckError, readStatus, rerun, startRun } from '../../runs/index.ts';
import { jobEvent, readJob, updateJob } from './store.ts';

function arg(argv: string[], name: string): string | null {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : null;
}

export async function runJobProcess(argv: string[]): Promise<number> {
  const root = arg(argv, 'workspace');
  const jobId = arg(argv, 'job');
  if (!root || !jobId) {
    console.error('usage: runner.mjs --workspace ROOT --job JOB_ID');
    return 2;
  }
  const ws = await openWorkspace(root);
  const job = await readJob(ws, jobId);
  if (job.cancelled_at || job.paused_at) return 0;

  const interrupted = new AbortController();
  const interrupt = (why: string) => {
    if (interrupted.signal.aborted) return;
    interrupted.abort(new Error(why));
  };
  process.once('SIGTERM', () => interrupt('the server stopped'));
  process.once('SIGINT', () => interrupt('the server stopped'));
  process.once('disconnect', () => interrupt('the server went away'));

  // Resume after a pause or an interruption: the earlier run's source again, as a rerun.
  const previous = job.runs[job.runs.length - 1] ?? null;
  const prevStatus = previous ? await readStatus(ws, previous).catch(() => null) : null;
  const resume = prevStatus !== null && prevStatus.status !== 'succeeded';
  let started;
  try {
    started = resume ? await rerun(ws, previous!, { origin: 'api', signal: interrupted.signal }) : await startRun(ws, { source: job.pipeline.source, file: job.pipeline.file }, { origin: 'api', signal: interrupted.signal });
  } catch (e) {
    const message = e instanceof PipelineCheckError ? `${e.message}\n${e.rendered}` : (e as Error).message;
    await updateJob(ws, jobId, (r) => {
      r.pending = false;
      r.error = { code: e instanceof PipelineCheckError ? 'invalid_pipeline' : 'runner_failed', message, param: null };
    });
    jobEvent(ws, jobId, { level: 'error', message: `The job could not start: ${message}` });
    return 1;
  }
  const after = await updateJob(ws, jobId, (r) => {
    r.runs.push(started.runId);
    r.pending = false;
    r.error = null;
  });
  jobEvent(ws, jobId, { level: 'info', message: resume ? `Resumed from run ${previous} as run ${started.runId}` : `Started run ${started.runId}`, data: { run_id: started.runId, resumed_from: resume ? previous : null } });
  // A cancel or pause that arrived while the run was being created.
  if (after.cancelled_at || after.paused_at) await cancelRun(ws, started.runId, after.cancelled_at ? 'cancelled by request' : 'paused by request');

  const status = await started.done;
  if (interrupted.signal.aborted && status.status !== 'succeeded') {
    await updateJob(ws, jobId, (r) => {
      if (!r.cancelled_at && !r.paused_at) r.pending = true;
    });
    jobEvent(ws, jobId, { level: 'warn', message: `Interrupted (${(interrupted.signal.reason as Error).message}); the job resumes from its last checkpoint when the server starts again` });
  }
  return status.status === 'succeeded' ? 0 : status.status === 'cancelled' ? 130 : 1;
}
