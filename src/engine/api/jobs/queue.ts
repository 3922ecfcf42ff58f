/**
 * The job queue of the web server: runs pending jobs in their own processes (runner.mjs), one
 * at a time by default (TUNEBENCH_JOB_CONCURRENCY), oldest first. Training never runs in the
 * server's event loop.
 *
 * What is pending is read from the job records every time (store.ts), not kept in memory, so a
 * restarted server picks up where the last one stopped: start() first marks jobs whose run's
 * process is gone as pending again (they resume from their newest checkpoint), at most
 * MAX_RESTARTS times per job. When the server exits it sends SIGTERM to its job processes,
 * which checkpoint, mark their job pending and stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Workspace } from '../../workspace.ts';
import { isStale, readStatus } from '../../runs/index.ts';
import { entryScript } from '../runtime.ts';
import { jobEvent, listJobRecords, readJob, updateJob } from './store.ts';

export const MAX_RESTARTS = 3;

export interface QueueOptions {
  concurrency?: number;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}

export function concurrencyFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.TUNEBENCH_JOB_CONCURRENCY ?? 1);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

export class JobQueue {
  private readonly running = new Map<string, ChildProcess>();
  private pumping: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly concurrency: number;
  private readonly onExit = () => this.stop();

  constructor(
    private readonly ws: Workspace,
    private readonly opts: QueueOptions = {}
  ) {
    this.concurrency = opts.concurrency ?? concurrencyFromEnv(opts.env);
  }

  /** Recovers interrupted jobs and starts pending ones. */
  async start(): Promise<void> {
    process.on('exit', this.onExit);
    await this.recover();
    this.notify();
  }

  /** Jobs whose process is running now. */
  active(): string[] {
    return [...this.running.keys()];
  }

  /** Looks for pending jobs (call after creating or resuming one). */
  notify(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((e) => this.opts.log?.(`job queue: ${(e as Error).message}`))
      .finally(() => {
        this.pumping = null;
        if (this.again) {
          this.again = false;
          this.notify();
        }
      });
  }

  /** Asks every job process to stop (they checkpoint and mark their job pending). */
  stop(): void {
    this.stopped = true;
    process.off('exit', this.onExit);
    for (const child of this.running.values()) child.kill('SIGTERM');
  }

  /** Waits until no job process runs (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size || this.pumping) await new Promise((r) => setTimeout(r, 100));
  }

  private async recover(): Promise<void> {
    for (const r of await listJobRecords(this.ws)) {
      if (r.cancelled_at || r.paused_at || r.pending || r.error) continue;
      const last = r.runs[r.runs.length - 1];
      if (!last) continue;
      const s = await readStatus(this.ws, last).catch(() => null);
      if (!s || !isStale(s)) continue;
      await updateJob(this.ws, r.id, (j) => {
        if (j.restarts >= MAX_RESTARTS) j.error = { code: 'runner_stopped', message: `the job's process stopped ${j.restarts + 1} times; not restarting it again`, param: null };
        else {
          j.pending = true;
          j.restarts++;
        }
      });
      jobEvent(this.ws, r.id, { level: 'warn', message: `Run ${last} was interrupted (its process is gone); the job resumes from its newest checkpoint` });
    }
  }

  private async pump(): Promise<void> {
    while (!this.stopped && this.running.size < this.concurrency) {
      const pending = (await listJobRecords(this.ws)).filter((r) => r.pending && !r.cancelled_at && !r.paused_at && !this.running.has(r.id));
      const next = pending.sort((a, b) => a.created_at.localeCompare(b.created_at))[0];
      if (!next) return;
      this.launch(next.id, next.runs.length);
    }
  }

  private launch(jobId: string, runsBefore: number): void {
    const child = spawn(process.execPath, [entryScript('jobs/runner.mjs'), '--workspace', this.ws.root, '--job', jobId], {
      env: { ...process.env, ...this.opts.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc']
    });
    this.running.set(jobId, child);
    let tail = '';
    const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-4000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('error', (e) => (tail += `\n${e.message}`));
    child.once('exit', (code, signal) => {
      this.running.delete(jobId);
      void this.afterExit(jobId, runsBefore, code, signal, tail).finally(() => this.notify());
    });
    this.opts.log?.(`job ${jobId}: started process ${child.pid}`);
  }

  /** A process that died without recording a run leaves its job pending: fail it instead of retrying forever. */
  private async afterExit(jobId: string, runsBefore: number, code: number | null, signal: NodeJS.Signals | null, tail: string): Promise<void> {
    if (this.stopped) return;
    const r = await readJob(this.ws, jobId).catch(() => null);
    if (!r || !r.pending || r.runs.length > runsBefore) return;
    const why = `the job's process exited (${signal ?? `code ${code}`}) before it started a run${tail.trim() ? `: ${tail.trim().split('\n').slice(-5).join(' | ')}` : ''}`;
    await updateJob(this.ws, jobId, (j) => {
      j.pending = false;
      j.error = { code: 'runner_failed', message: why, param: null };
    });
    jobEvent(this.ws, jobId, { level: 'error', message: why });
  }
}
