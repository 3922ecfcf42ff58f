/**
 * Fine-tuning job records, one folder per job:
 *
 *   .tunebench/jobs/<job-id>/
 *     job.json       JobRecord (format tunebench.api-job, version 1): the request (spec), the
 *                    generated pipeline text, the runs that executed it (oldest first), and the
 *                    control requests (cancel, pause, pending = waiting for the queue)
 *     events.jsonl   job-level events (created, queued, paused, resumed, cancelled, …), one
 *                    JSON object per line, appended whole
 *
 * Everything else a job reports — status, metrics, checkpoints, the fine-tuned model — is
 * derived from its runs in the run store (state.ts), so a job survives server restarts and can
 * be inspected with the same tools as any run. job.json is written by the server and by the
 * job's runner process: every change is a read-modify-write under the job's lock.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../../workspace.ts';
import { writeJsonAtomic } from '../../util/atomic-write.ts';
import { withLock } from '../../util/lock.ts';
import { appendJsonLine } from '../../runs/events.ts';
import { notFound } from '../errors.ts';
import { isJobId } from '../ids.ts';
import type { JobSpec } from './spec.ts';

export const JOB_FORMAT = 'tunebench.api-job';
export const JOB_VERSION = 1;

export interface JobError {
  code: string;
  message: string;
  param: string | null;
}

export interface JobRecord {
  format: typeof JOB_FORMAT;
  version: typeof JOB_VERSION;
  id: string;
  /** 8 characters that end the fine-tuned model's id (ft:base:org:suffix:<tag>). */
  tag: string;
  created_at: string;
  spec: JobSpec;
  /** The pipeline text the job runs, and the file name it is recorded under. */
  pipeline: { file: string; source: string };
  /** Run ids, oldest first (a resumed or restarted job has several). */
  runs: string[];
  /** Waiting for the queue: new, resumed, or interrupted by a server stop. */
  pending: boolean;
  cancelled_at: string | null;
  /** Set while paused (and while pausing). */
  paused_at: string | null;
  /** A failure outside any run (the runner could not start it, or crashed). */
  error: JobError | null;
  /** Times the job was restarted after its process died. */
  restarts: number;
}

export interface JobEventLine {
  ts: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

export function jobsDir(ws: Workspace): string {
  return path.join(ws.dir, 'jobs');
}

export function jobNotFound(id: string): Error {
  return notFound(`No such fine-tuning job: ${id}`, 'fine_tuning_job_not_found', 'fine_tuning_job_id');
}

export function jobDir(ws: Workspace, id: string): string {
  if (!isJobId(id)) throw jobNotFound(id);
  return path.join(jobsDir(ws), id);
}

const recordPath = (ws: Workspace, id: string) => path.join(jobDir(ws, id), 'job.json');
export const jobEventsPath = (ws: Workspace, id: string) => path.join(jobDir(ws, id), 'events.jsonl');

export async function readJob(ws: Workspace, id: string): Promise<JobRecord> {
  let text: string;
  try {
    text = await fsp.readFile(recordPath(ws, id), 'utf8');
  } catch {
    throw jobNotFound(id);
  }
  const r = JSON.parse(text) as JobRecord;
  if (r.format !== JOB_FORMAT || r.version > JOB_VERSION) throw new Error(`${recordPath(ws, id)}: not a job record this tunebench reads`);
  return r;
}

export async function createJobRecord(ws: Workspace, r: JobRecord): Promise<void> {
  await fsp.mkdir(jobDir(ws, r.id), { recursive: true });
  await writeJsonAtomic(recordPath(ws, r.id), r);
}

/** Read-modify-write of a job record under its lock; returns the new record. */
export async function updateJob(ws: Workspace, id: string, fn: (r: JobRecord) => void | Promise<void>): Promise<JobRecord> {
  return withLock(path.join(jobDir(ws, id), 'job.lock'), async () => {
    const r = await readJob(ws, id);
    await fn(r);
    await writeJsonAtomic(recordPath(ws, id), r);
    return r;
  });
}

/** Every job, newest first. */
export async function listJobRecords(ws: Workspace): Promise<JobRecord[]> {
  const names = await fsp.readdir(jobsDir(ws)).catch(() => [] as string[]);
  const out: JobRecord[] = [];
  for (const n of names) {
    if (!isJobId(n) || !fs.existsSync(recordPath(ws, n))) continue;
    try {
      out.push(await readJob(ws, n));
    } catch {
      // damaged record: skipped
    }
  }
  return out.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
}

export function jobEvent(ws: Workspace, id: string, e: Omit<JobEventLine, 'ts'>): void {
  appendJsonLine(jobEventsPath(ws, id), { ts: new Date().toISOString(), ...e });
}
