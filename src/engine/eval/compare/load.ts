/**
 * Reading a finished eval stage of a run: eval.json and its rows of predictions.parquet, found
 * through the run's status.json (so a cache-hit eval is read from the stage cache).
 */
import fs from 'node:fs';
import type { Plan } from '../../../../dsl/plan.ts';
import type { Workspace } from '../../workspace.ts';
import { queryRows, sqlString } from '../../data/duckdb.ts';
import { readRun } from '../../runs/store.ts';
import { wsAbsolute, wsRelative } from '../../runs/layout.ts';
import { EVAL_FORMAT, EVAL_VERSION, type EvalFile } from '../stage/eval-file.ts';

export interface PredictionRecord {
  model: string;
  model_index: number;
  example_index: number;
  conversation_id: string;
  prompt: string | null;
  reference: string;
  output: string;
  target_tokens: number | null;
  token_loss_sum: number | null;
  token_correct: number | null;
  metadata: Record<string, unknown> | null;
  [column: string]: unknown;
}

export interface LoadedEval {
  run_id: string;
  pipeline: string;
  plan: Plan;
  stage: string;
  eval: EvalFile;
  /** Workspace-relative eval.json. */
  evalPath: string;
  predictionsPath: string;
}

export class CompareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompareError';
  }
}

export function readEvalFile(file: string): EvalFile {
  let e: EvalFile;
  try {
    e = JSON.parse(fs.readFileSync(file, 'utf8')) as EvalFile;
  } catch (err) {
    throw new CompareError(`${file}: ${fs.existsSync(file) ? `is not valid JSON (${(err as Error).message})` : 'is missing'}`);
  }
  if (e.format !== EVAL_FORMAT) throw new CompareError(`${file} is not an eval file`);
  if (e.version > EVAL_VERSION) throw new CompareError(`${file} was written by a newer tunebench (eval version ${e.version})`);
  return e;
}

/** The eval stage `stage` of a run (default: the last eval stage that finished). */
export async function loadEval(ws: Workspace, runId: string, stage?: string | null): Promise<LoadedEval> {
  let run;
  try {
    run = await readRun(ws, runId);
  } catch (e) {
    throw new CompareError((e as Error).message);
  }
  const evals = run.status.stages.filter((s) => s.kind === 'eval');
  if (!evals.length) throw new CompareError(`run ${runId} (pipeline ${run.status.pipeline}) has no eval stage`);
  const pick = stage ? evals.find((s) => s.id === stage) : [...evals].reverse().find((s) => s.state === 'succeeded');
  if (!pick) {
    if (stage) throw new CompareError(`run ${runId} has no eval stage '${stage}' (it has: ${evals.map((s) => s.id).join(', ')})`);
    throw new CompareError(`run ${runId} has no finished eval stage (${evals.map((s) => `${s.id}: ${s.state}`).join(', ')})`);
  }
  if (pick.state !== 'succeeded' || !pick.outputs.main || !pick.outputs.predictions) throw new CompareError(`eval stage ${pick.id} of run ${runId} did not finish (${pick.state})`);
  const evalAbs = wsAbsolute(ws, pick.outputs.main.path);
  const predAbs = wsAbsolute(ws, pick.outputs.predictions.path);
  return { run_id: runId, pipeline: run.status.pipeline, plan: run.plan, stage: pick.id, eval: readEvalFile(evalAbs), evalPath: wsRelative(ws, evalAbs), predictionsPath: predAbs };
}

/** The prediction rows of one model, in example order. */
export async function loadPredictions(e: LoadedEval, model: string): Promise<PredictionRecord[]> {
  const rows = await queryRows<PredictionRecord>(`SELECT * FROM read_parquet(${sqlString(e.predictionsPath)}) WHERE model = ${sqlString(model)} ORDER BY example_index`);
  return rows.map((r) => ({ ...r, metadata: typeof r.metadata === 'string' ? (JSON.parse(r.metadata) as Record<string, unknown>) : (r.metadata ?? null) }));
}
