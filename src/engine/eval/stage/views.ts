/**
 * SQL views over the eval stages of every run, for the sandbox (`tunebench sql`):
 *
 *   eval_metrics      one row per run × eval stage × model × metric (eval.json):
 *                     run_id, stage, model, model_index, metric, value, ci_lower, ci_upper,
 *                     ci_half_width, examples, higher_is_better, metric_name (the card's name),
 *                     card (JSON), detail (JSON)
 *   eval_predictions  one row per run × eval stage × model × example (predictions.parquet):
 *                     run_id, stage, then the Parquet columns (model, example_index,
 *                     conversation_id, prompt, reference, output, score_*, style_*, ...; columns
 *                     of different evals are united by name)
 *
 * The files are found through each run's status.json (the stage's outputs), so a run whose eval
 * was a cache hit sees the cached files under its own run_id. No eval yet: empty views.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { ExtraView } from '../../data/sandbox.ts';
import { sqlString } from '../../data/duckdb.ts';
import type { Workspace } from '../../workspace.ts';
import { isRunId, wsAbsolute } from '../../runs/layout.ts';
import type { RunStatus } from '../../runs/types.ts';

export interface EvalOutputRef {
  run_id: string;
  stage: string;
  /** Absolute paths. */
  eval_json: string;
  predictions: string | null;
}

/** Every finished eval stage of every run, oldest run first. */
export async function listEvalOutputs(ws: Workspace): Promise<EvalOutputRef[]> {
  const out: EvalOutputRef[] = [];
  const ids = (await fsp.readdir(ws.runsDir).catch(() => [] as string[])).filter(isRunId).sort();
  for (const id of ids) {
    let status: RunStatus;
    try {
      status = JSON.parse(fs.readFileSync(path.join(ws.runsDir, id, 'status.json'), 'utf8')) as RunStatus;
    } catch {
      continue;
    }
    for (const st of status.stages ?? []) {
      if (st.kind !== 'eval' || st.state !== 'succeeded' || !st.outputs?.main) continue;
      const main = wsAbsolute(ws, st.outputs.main.path);
      const pred = st.outputs.predictions ? wsAbsolute(ws, st.outputs.predictions.path) : null;
      if (!fs.existsSync(main)) continue;
      out.push({ run_id: id, stage: st.id, eval_json: main, predictions: pred && fs.existsSync(pred) ? pred : null });
    }
  }
  return out;
}

function mapping(refs: { file: string; run_id: string; stage: string }[]): string {
  return `(VALUES ${refs.map((r) => `(${sqlString(r.file)}, ${sqlString(r.run_id)}, ${sqlString(r.stage)})`).join(', ')}) AS map(file, run_id, stage)`;
}

const col = (name: string, type: string) => ({ name, type });

export async function evalViews(ws: Workspace): Promise<ExtraView[]> {
  const refs = await listEvalOutputs(ws);
  const evalFiles = [...new Set(refs.map((r) => r.eval_json))];
  const predRefs = refs.filter((r) => r.predictions !== null).map((r) => ({ file: r.predictions!, run_id: r.run_id, stage: r.stage }));
  const predFiles = [...new Set(predRefs.map((r) => r.file))];
  const evalMap = mapping(refs.map((r) => ({ file: r.eval_json, run_id: r.run_id, stage: r.stage })));
  return [
    {
      name: 'eval_metrics',
      files: evalFiles,
      reader: 'json',
      readerOptions: `format = 'auto', filename = true, columns = {models: 'JSON', metrics: 'JSON', styles: 'JSON'}`,
      query: (r) => `
        WITH files AS (SELECT filename, models, metrics, styles FROM ${r}),
        models AS (SELECT filename, metrics, styles, unnest(from_json(models, '["JSON"]')) AS m, generate_subscripts(from_json(models, '["JSON"]'), 1) - 1 AS model_index FROM files),
        scores AS (SELECT filename, metrics, styles, m->>'label' AS model, model_index, unnest(json_keys(m->'scores')) AS metric, m->'scores' AS all_scores FROM models),
        cards AS (
          SELECT *, all_scores->metric AS score,
            coalesce(
              list_filter(from_json(metrics, '["JSON"]'), x -> (x->>'key') = metric)[1]->'card',
              list_filter(from_json(styles, '["JSON"]'), x -> (x->>'key') = metric)[1]->'card',
              list_filter(from_json(styles, '["JSON"]'), x -> (x->>'consistency_key') = metric)[1]->'consistency_card'
            ) AS card
          FROM scores
        )
        SELECT map.run_id, map.stage, model, model_index::INTEGER AS model_index, metric,
          (score->>'value')::DOUBLE AS value, (score->'ci'->>'lower')::DOUBLE AS ci_lower, (score->'ci'->>'upper')::DOUBLE AS ci_upper,
          (score->'ci'->>'half_width')::DOUBLE AS ci_half_width, (score->>'examples')::INTEGER AS examples,
          (card->>'higherIsBetter')::BOOLEAN AS higher_is_better, card->>'name' AS metric_name, card, score->'detail' AS detail
        FROM cards JOIN ${evalMap} ON map.file = cards.filename`,
      emptyColumns: [col('run_id', 'VARCHAR'), col('stage', 'VARCHAR'), col('model', 'VARCHAR'), col('model_index', 'INTEGER'), col('metric', 'VARCHAR'), col('value', 'DOUBLE'), col('ci_lower', 'DOUBLE'), col('ci_upper', 'DOUBLE'), col('ci_half_width', 'DOUBLE'), col('examples', 'INTEGER'), col('higher_is_better', 'BOOLEAN'), col('metric_name', 'VARCHAR'), col('card', 'JSON'), col('detail', 'JSON')]
    },
    {
      name: 'eval_predictions',
      files: predFiles,
      reader: 'parquet',
      readerOptions: 'filename = true, union_by_name = true',
      query: (r) => `SELECT map.run_id, map.stage, p.* EXCLUDE (filename) FROM ${r} AS p JOIN ${mapping(predRefs)} ON map.file = p.filename`,
      emptyColumns: [
        col('run_id', 'VARCHAR'),
        col('stage', 'VARCHAR'),
        col('model', 'VARCHAR'),
        col('model_index', 'INTEGER'),
        col('example_index', 'INTEGER'),
        col('conversation_id', 'VARCHAR'),
        col('prompt', 'VARCHAR'),
        col('reference', 'VARCHAR'),
        col('output', 'VARCHAR'),
        col('finish_reason', 'VARCHAR'),
        col('prompt_tokens', 'INTEGER'),
        col('output_tokens', 'INTEGER'),
        col('prompt_truncated', 'BOOLEAN'),
        col('target_tokens', 'INTEGER'),
        col('token_loss_sum', 'DOUBLE'),
        col('token_correct', 'INTEGER'),
        col('metadata', 'JSON')
      ]
    }
  ];
}
