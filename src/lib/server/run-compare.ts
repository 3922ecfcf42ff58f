/**
 * The compare page's server side: a parsed compare URL → compareRuns / compareModels (the
 * evaluator's one door, engine/eval/compare), plus what the page adds around the result: each
 * side's run status and the train stage its model came from (for the overlaid loss curves), and
 * the runs that can be picked (those with a finished eval).
 */
import fs from 'node:fs';
import { compareModels, compareRuns, CompareError, readEvalFile, type CompareResult } from '../../engine/eval/compare/index.ts';
import { wsAbsolute, type RunStatus } from '../../engine/runs/index.ts';
import type { Workspace } from '../../engine/workspace.ts';
import type { CompareQuery } from '$lib/compare-url';
import type { CompareView, PickableRun } from '$lib/compare';
import { ApiFailure } from './api-error.ts';
import { listRunRows } from './run-list.ts';
import { readStatusSync } from './run-files.ts';

/** The train stage behind a side's model (null for a base model). */
function trainStageOf(evalJson: string, model: string): string | null {
  try {
    const m = readEvalFile(evalJson).models.find((x) => x.label === model);
    return m?.source.kind === 'train' ? m.source.stage : null;
  } catch {
    return null;
  }
}

export async function compareFromQuery(ws: Workspace, q: Exclude<CompareQuery, { kind: 'none' }>): Promise<CompareView> {
  let result: CompareResult;
  try {
    const opts = { stage: q.stage, by: q.by, top: q.top };
    result = q.kind === 'runs' ? await compareRuns(ws, q.sides.map((s) => (s.model ? `${s.run}:${s.model}` : s.run)), opts) : await compareModels(ws, q.run, { ...opts, models: q.models });
  } catch (e) {
    if (e instanceof CompareError) throw new ApiFailure(422, 'cannot_compare', e.message);
    throw e;
  }
  const sides = result.sides.map((s) => {
    let status: RunStatus | null = null;
    try {
      status = readStatusSync(ws, s.run_id);
    } catch {
      // shown as failed
    }
    const file = wsAbsolute(ws, s.eval_json);
    return { run_id: s.run_id, status: status?.status ?? 'failed', created_at: status?.created_at ?? null, train_stage: fs.existsSync(file) ? trainStageOf(file, s.model) : null };
  });
  return { result, sides };
}

/** Runs with a finished eval stage, newest first, with their eval's model labels. */
export async function pickableRuns(ws: Workspace): Promise<PickableRun[]> {
  const { runs } = await listRunRows(ws);
  return runs.filter((r) => r.eval).map((r) => ({ id: r.id, pipeline: r.pipeline, status: r.stale ? 'failed' : r.status, created_at: r.created_at, stage: r.eval!.stage, models: r.eval!.models, rerun_of: r.rerun_of }));
}
