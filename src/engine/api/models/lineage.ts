/**
 * Where a fine-tuned model came from, for the models page: the run and train stage, the data it
 * was trained (and validated) on with row counts, and its metrics (the train stage's summary:
 * losses, tokens, steps; eval stages of the same run: their aggregate metrics).
 */
import fsp from 'node:fs/promises';
import type { Plan } from '../../../../dsl/plan.ts';
import type { Workspace } from '../../workspace.ts';
import { readStatus, runPaths, wsAbsolute, type RunStatus } from '../../runs/index.ts';
import type { ModelInfo } from './catalog.ts';

export interface DataRef {
  /** The name in the pipeline (a dataset, stage or split part). */
  name: string;
  stage: string;
  rows: number | null;
  /** Absolute path of the Parquet file the stage read. */
  parquet: string | null;
}

export interface Lineage {
  run_id: string;
  pipeline: string;
  stage: string;
  job: string | null;
  train: DataRef | null;
  validation: DataRef | null;
  metrics: Record<string, number | string>;
}

async function readPlan(ws: Workspace, runId: string): Promise<Plan | null> {
  return fsp
    .readFile(runPaths(ws, runId).plan, 'utf8')
    .then((t) => JSON.parse(t) as Plan)
    .catch(() => null);
}

function dataRef(ws: Workspace, plan: Plan, status: RunStatus, input: { stage: string; part: string | null } | undefined): DataRef | null {
  if (!input) return null;
  const name = Object.entries(plan.outputs).find(([, o]) => o.stage === input.stage && o.part === input.part)?.[0] ?? input.stage;
  const out = status.stages.find((s) => s.id === input.stage)?.outputs[input.part ?? 'main'];
  return { name, stage: input.stage, rows: out?.rows ?? null, parquet: out ? wsAbsolute(ws, out.path) : null };
}

export async function modelLineage(ws: Workspace, m: ModelInfo): Promise<Lineage | null> {
  if (!m.run_id || !m.stage) return null;
  const [plan, status] = await Promise.all([readPlan(ws, m.run_id), readStatus(ws, m.run_id).catch(() => null)]);
  if (!plan || !status) return null;
  const stage = plan.stages.find((s) => s.id === m.stage);
  const st = status.stages.find((s) => s.id === m.stage);
  const metrics: Record<string, number | string> = {};
  const s = st?.summary as Record<string, unknown> | null;
  if (s) {
    const num = (k: string, v: unknown) => typeof v === 'number' && Number.isFinite(v) && (metrics[k] = v);
    num('train_loss', s.train_loss);
    num('valid_loss', (s.final_valid as { loss?: number } | null)?.loss);
    num('valid_token_accuracy', (s.final_valid as { token_accuracy?: number } | null)?.token_accuracy);
    num('base_valid_loss', (s.base_valid as { loss?: number } | null)?.loss);
    num('steps', s.steps);
    num('epochs', s.epochs_completed);
    num('tokens_seen', s.tokens_seen);
    num('train_ms', s.elapsed_ms);
    num('trainable_parameters', s.trainable_parameters);
    if (typeof s.method === 'string') metrics.method = s.method;
  }
  for (const e of status.stages.filter((x) => x.kind === 'eval' && x.summary)) {
    const agg = (e.summary as { metrics?: Record<string, unknown> }).metrics;
    for (const [k, v] of Object.entries(agg ?? {})) if (typeof v === 'number') metrics[`${e.id}.${k}`] = v;
  }
  return {
    run_id: m.run_id,
    pipeline: plan.pipeline,
    stage: m.stage,
    job: m.job,
    train: stage ? dataRef(ws, plan, status, stage.inputs.find((i) => i.role === 'train')) : null,
    validation: stage ? dataRef(ws, plan, status, stage.inputs.find((i) => i.role === 'validation')) : null,
    metrics
  };
}
