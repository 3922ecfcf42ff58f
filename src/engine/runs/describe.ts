/**
 * What `tunebench plan` shows: every stage with its inputs, cache key, whether the key is already
 * in the stage cache, and the SQL it will run (or its steps in words). Input relations name the
 * cache entries the inputs will have, so the SQL can be pasted into DuckDB from the workspace
 * folder once the inputs exist.
 */
import path from 'node:path';
import type { Plan } from '../../../dsl/plan.ts';
import type { Workspace } from '../workspace.ts';
import { entryDir, lookupStage } from './cache.ts';
import { wsRelative } from './layout.ts';
import { missingExecutorHelp, stageExecutor, type DescribeInput, type StageDescription } from './stage-executor.ts';
import { inputName, planKeys } from './stage-keys.ts';

export interface PlanStageView {
  id: string;
  kind: string;
  name: string;
  inputs: { name: string; stage: string; part: string | null; role: string }[];
  key: string | null;
  /** cached: the key's output exists; missing: not yet; uncacheable: no key (see note). */
  cache: 'cached' | 'missing' | 'uncacheable' | 'unknown';
  note: string | null;
  rows_out: number | null;
  description: StageDescription;
}

export async function describePlan(ws: Workspace, plan: Plan): Promise<PlanStageView[]> {
  const keys = await planKeys(ws, plan);
  const rows = new Map<string, Record<string, number | null>>();
  const views: PlanStageView[] = [];
  for (const stage of plan.stages) {
    const info = keys.get(stage.id)!;
    let cache: PlanStageView['cache'] = 'unknown';
    let note: string | null = null;
    let key: string | null = null;
    if ('error' in info) note = info.error;
    else {
      key = info.key;
      note = info.reason;
      if (!key) cache = 'uncacheable';
      else {
        const found = await lookupStage(ws, key);
        cache = found.status === 'hit' ? 'cached' : 'missing';
        if (found.status === 'corrupt') note = `cache entry damaged: ${found.reason}`;
        if (found.status === 'hit') rows.set(stage.id, Object.fromEntries(Object.entries(found.outputs).filter(([, o]) => o.kind === 'parquet').map(([p, o]) => [p, o.rows ?? null])));
      }
    }
    const inputs: DescribeInput[] = stage.inputs.map((i) => {
      const k = keys.get(i.stage);
      const producerKey = k && !('error' in k) ? k.key : null;
      const file = producerKey ? wsRelative(ws, path.join(entryDir(ws, producerKey), `${i.part ?? 'main'}.parquet`)) : `<output of ${i.stage}${i.part ? `:${i.part}` : ''}>`;
      return { name: inputName(plan, i), relation: `read_parquet('${file.replaceAll("'", "''")}', file_row_number = true)`, rows: rows.get(i.stage)?.[i.part ?? 'main'] ?? null };
    });
    const exec = stageExecutor(stage.kind);
    const description: StageDescription = exec?.describe ? exec.describe(stage as never, inputs) : { sql: [], notes: exec ? [] : missingExecutorHelp(stage.kind) };
    const out = rows.get(stage.id);
    views.push({
      id: stage.id,
      kind: stage.kind,
      name: stage.name,
      inputs: stage.inputs.map((i) => ({ name: inputName(plan, i), stage: i.stage, part: i.part, role: i.role })),
      key,
      cache,
      note,
      rows_out: out ? Object.values(out).reduce<number>((a, b) => a + (b ?? 0), 0) : null,
      description
    });
  }
  return views;
}

/**
 * Each stage's SQL with symbolic inputs (read_parquet('<clean.1>.parquet', ...)) and unknown row
 * counts: no workspace, no keys. For golden files and documentation.
 */
export function describePlanSql(plan: Plan): { id: string; kind: string; description: StageDescription }[] {
  return plan.stages.map((stage) => {
    const inputs: DescribeInput[] = stage.inputs.map((i) => ({ name: inputName(plan, i), relation: `read_parquet('<${i.stage}${i.part ? `:${i.part}` : ''}>.parquet', file_row_number = true)`, rows: null }));
    const exec = stageExecutor(stage.kind);
    return { id: stage.id, kind: stage.kind, description: exec?.describe ? exec.describe(stage as never, inputs) : { sql: [], notes: exec ? [] : missingExecutorHelp(stage.kind) } };
  });
}
