/**
 * A job's state, derived from its record and its runs in the run store (never stored twice):
 *
 *   cancelled          cancel was requested (a running run stops at its next step)
 *   paused / pausing   pause was requested; pausing until the run has stopped with a checkpoint
 *   queued             waiting for the queue (new, resumed, or restarted after a server stop)
 *   validating_files   the run is importing and checking the data (its source stages)
 *   running            the run's train stage is running
 *   succeeded | failed the last run's outcome (or a runner failure recorded on the job)
 *
 * and the OpenAI fine_tuning.job object built from it.
 */
import fsp from 'node:fs/promises';
import type { Workspace } from '../../workspace.ts';
import { isStale, readStatus, runPaths, type RunStatus, type StageStatus } from '../../runs/index.ts';
import { BASE_LEARNING_RATE } from '../../train/auto.ts';
import { unixSeconds } from '../ids.ts';
import { formatFtName, orgName } from '../models/names.ts';
import { JOB_TRAIN_STAGE } from './pipeline.ts';
import type { Hyperparameters } from './spec.ts';
import type { JobError, JobRecord } from './store.ts';

export type JobStatus = 'validating_files' | 'queued' | 'running' | 'pausing' | 'paused' | 'succeeded' | 'failed' | 'cancelled';

export const TERMINAL_JOB: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

export interface JobView {
  record: JobRecord;
  /** The newest run, if any. */
  run: RunStatus | null;
  stale: boolean;
  status: JobStatus;
  train: StageStatus | null;
  /** The fine-tuned model's id (whether or not it exists yet). */
  modelId: string;
}

export interface FineTuningJobObject {
  object: 'fine_tuning.job';
  id: string;
  model: string;
  created_at: number;
  finished_at: number | null;
  fine_tuned_model: string | null;
  organization_id: string;
  result_files: string[];
  status: JobStatus;
  validation_file: string | null;
  training_file: string;
  hyperparameters: Hyperparameters;
  method: { type: 'supervised'; supervised: { hyperparameters: Hyperparameters } };
  trained_tokens: number | null;
  error: JobError | null;
  seed: number;
  suffix: string | null;
  estimated_finish: number | null;
  integrations: [];
  metadata: Record<string, string> | null;
  /** tunebench: the runs that executed the job's pipeline (newest last). */
  runs: string[];
}

export function jobModelId(r: JobRecord, env: NodeJS.ProcessEnv = process.env): string {
  return formatFtName({ base: r.spec.model, org: orgName(env), suffix: r.spec.suffix ?? '', tag: r.tag });
}

function deriveStatus(r: JobRecord, run: RunStatus | null, stale: boolean, train: StageStatus | null): JobStatus {
  if (r.cancelled_at) return 'cancelled';
  const live = run !== null && !stale && (run.status === 'queued' || run.status === 'running');
  if (r.paused_at) return live ? 'pausing' : 'paused';
  if (r.pending) return 'queued';
  if (r.error) return 'failed';
  if (!run) return 'queued';
  if (stale) return 'failed';
  switch (run.status) {
    case 'queued':
      return 'queued';
    case 'running':
      return train && train.state !== 'pending' ? 'running' : 'validating_files';
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
  }
}

export async function jobView(ws: Workspace, r: JobRecord, env: NodeJS.ProcessEnv = process.env): Promise<JobView> {
  const runId = r.runs[r.runs.length - 1];
  const run = runId ? await readStatus(ws, runId).catch(() => null) : null;
  const stale = run ? isStale(run) : false;
  const train = run?.stages.find((s) => s.id === JOB_TRAIN_STAGE) ?? null;
  return { record: r, run, stale, status: deriveStatus(r, run, stale, train), train, modelId: jobModelId(r, env) };
}

/** Why a failed job failed, in OpenAI's error shape. */
function jobError(v: JobView): JobError | null {
  if (v.status !== 'failed') return null;
  if (v.record.error) return v.record.error;
  if (v.stale) return { code: 'runner_stopped', message: `the process running ${v.run?.run_id} stopped before it finished`, param: null };
  const e = v.run?.error;
  if (!e) return { code: 'training_failed', message: 'the run failed', param: null };
  const failed = v.run?.stages.find((s) => s.id === e.stage);
  if (failed?.kind === 'source') {
    const param = e.stage === v.record.spec.validation_file?.replace(/-/g, '_') ? 'validation_file' : 'training_file';
    return { code: 'invalid_file', message: e.message, param };
  }
  return { code: 'training_failed', message: e.message, param: null };
}

/** The hyperparameters the trainer resolved ("auto" decided), once it has. */
function resolved(v: JobView): Hyperparameters {
  const asked = v.record.spec.hyperparameters;
  const cfg = (v.train?.summary as { config?: { epochs?: number; batchSize?: number; learningRate?: number; method?: 'lora' | 'full' } } | null)?.config;
  if (!cfg) return asked;
  const method = cfg.method ?? 'lora';
  return {
    n_epochs: cfg.epochs ?? asked.n_epochs,
    batch_size: cfg.batchSize ?? asked.batch_size,
    learning_rate_multiplier: cfg.learningRate !== undefined ? Number((cfg.learningRate / BASE_LEARNING_RATE[method]).toPrecision(6)) : asked.learning_rate_multiplier
  };
}

/** ETA from the last line of metrics.jsonl (eta_ms), while the job runs. */
async function estimatedFinish(ws: Workspace, v: JobView): Promise<number | null> {
  if (v.status !== 'running' || !v.run) return null;
  try {
    const fh = await fsp.open(runPaths(ws, v.run.run_id).metrics, 'r');
    try {
      const size = (await fh.stat()).size;
      const len = Math.min(size, 4096);
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, size - len);
      const lines = buf.toString('utf8').trim().split('\n');
      const last = JSON.parse(lines[lines.length - 1]) as { eta_ms?: number; ts?: string };
      return last.eta_ms !== undefined && last.ts ? unixSeconds(new Date(last.ts).getTime() + last.eta_ms) : null;
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

export async function toJobObject(ws: Workspace, v: JobView, env: NodeJS.ProcessEnv = process.env): Promise<FineTuningJobObject> {
  const r = v.record;
  const hp = v.status === 'succeeded' ? resolved(v) : r.spec.hyperparameters;
  const finished = v.status === 'cancelled' ? (r.cancelled_at ?? v.run?.finished_at ?? null) : TERMINAL_JOB.has(v.status) ? (v.run?.finished_at ?? null) : null;
  const summary = v.train?.summary as { tokens_seen?: number } | null;
  return {
    object: 'fine_tuning.job',
    id: r.id,
    model: r.spec.model,
    created_at: unixSeconds(r.created_at),
    finished_at: finished ? unixSeconds(finished) : null,
    fine_tuned_model: v.status === 'succeeded' ? v.modelId : null,
    organization_id: orgName(env),
    result_files: [],
    status: v.status,
    validation_file: r.spec.validation_file,
    training_file: r.spec.training_file,
    hyperparameters: hp,
    method: { type: 'supervised', supervised: { hyperparameters: hp } },
    trained_tokens: v.status === 'succeeded' ? (summary?.tokens_seen ?? null) : null,
    error: jobError(v),
    seed: r.spec.seed,
    suffix: r.spec.suffix,
    estimated_finish: await estimatedFinish(ws, v),
    integrations: [],
    metadata: r.spec.metadata,
    runs: r.runs
  };
}
