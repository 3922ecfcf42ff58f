/**
 * GET /v1/fine_tuning/jobs/{id}/checkpoints: the checkpoints of a job's train stage, newest step
 * first, each a fine_tuning.job.checkpoint with its metrics and the model id to chat with
 * (ft:…:ckpt-step-N). Where they are: the stage outputs of a finished run (in the stage cache),
 * or the run's checkpoints/ folder while it trains or after a pause. A resumed job has several
 * runs; the same step is listed once (the newest run's).
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Workspace } from '../../workspace.ts';
import { readStatus, runPaths, wsAbsolute } from '../../runs/index.ts';
import { isCheckpoint, listCheckpoints, readCheckpointMeta, type CheckpointMeta } from '../../train/checkpoint.ts';
import { readMetrics } from '../../train/metrics.ts';
import { unixSeconds } from '../ids.ts';
import { formatFtName, orgName } from '../models/names.ts';
import { paginate, type ListPage, type PageQuery } from '../pagination.ts';
import { JOB_TRAIN_STAGE } from './pipeline.ts';
import { readJob, type JobRecord } from './store.ts';

export interface FineTuningJobCheckpoint {
  object: 'fine_tuning.job.checkpoint';
  id: string;
  created_at: number;
  fine_tuned_model_checkpoint: string;
  fine_tuning_job_id: string;
  step_number: number;
  metrics: Record<string, number>;
}

export interface FoundCheckpoint {
  dir: string;
  meta: CheckpointMeta;
  runId: string;
}

/** Every checkpoint folder of the job, one per step (newest run wins), oldest step first. */
export async function jobCheckpointDirs(ws: Workspace, job: JobRecord): Promise<FoundCheckpoint[]> {
  const byStep = new Map<number, FoundCheckpoint>();
  for (const runId of job.runs) {
    const dirs = new Set<string>(listCheckpoints(path.join(runPaths(ws, runId).checkpointsDir, JOB_TRAIN_STAGE)).map((c) => c.dir));
    const status = await readStatus(ws, runId).catch(() => null);
    const train = status?.stages.find((s) => s.id === JOB_TRAIN_STAGE);
    if (train?.state === 'succeeded') for (const o of Object.values(train.outputs)) dirs.add(wsAbsolute(ws, o.path));
    for (const dir of dirs) {
      if (!isCheckpoint(dir)) continue;
      try {
        const meta = readCheckpointMeta(dir);
        byStep.set(meta.step, { dir, meta, runId });
      } catch {
        // unreadable checkpoint: not listed
      }
    }
  }
  return [...byStep.values()].sort((a, b) => a.meta.step - b.meta.step);
}

function checkpointMetrics(ws: Workspace, c: FoundCheckpoint): Record<string, number> {
  const lines = readMetrics(runPaths(ws, c.runId).metrics, JOB_TRAIN_STAGE).filter((m) => m.step === c.meta.step);
  const out: Record<string, number> = { step: c.meta.step };
  for (const m of lines) for (const [k, v] of Object.entries(m)) if (typeof v === 'number' && /loss|accuracy/.test(k)) out[k] = v;
  if (out.train_loss === undefined && c.meta.train_loss !== null) out.train_loss = c.meta.train_loss;
  if (c.meta.valid) {
    out.full_valid_loss ??= c.meta.valid.loss;
    out.full_valid_mean_token_accuracy ??= c.meta.valid.token_accuracy;
  }
  return out;
}

export function checkpointModelId(job: JobRecord, step: number, env: NodeJS.ProcessEnv = process.env): string {
  return formatFtName({ base: job.spec.model, org: orgName(env), suffix: job.spec.suffix ?? '', tag: job.tag, step });
}

export async function jobCheckpoints(ws: Workspace, jobId: string, q: PageQuery, env: NodeJS.ProcessEnv = process.env): Promise<ListPage<FineTuningJobCheckpoint>> {
  const job = await readJob(ws, jobId);
  const found = (await jobCheckpointDirs(ws, job)).reverse();
  const items = found.map(
    (c): FineTuningJobCheckpoint => ({
      object: 'fine_tuning.job.checkpoint',
      id: `ftckpt_${createHash('sha256').update(`${job.id}:${c.meta.step}`).digest('hex').slice(0, 24)}`,
      created_at: unixSeconds(c.meta.created_at),
      fine_tuned_model_checkpoint: checkpointModelId(job, c.meta.step, env),
      fine_tuning_job_id: job.id,
      step_number: c.meta.step,
      metrics: checkpointMetrics(ws, c)
    })
  );
  return paginate(items, { ...q, limit: q.limit ?? 10 });
}
