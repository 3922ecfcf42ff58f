/**
 * Pages of an eval stage's predictions.parquet for the run page's prediction table: one model (or
 * all), a case-insensitive substring search over prompt, reference and output, a sort on any
 * column of the file (default: example order), `limit` rows from `offset`, and the total that
 * matches. The file is found through the stage's outputs (a cache-hit eval reads the cached file);
 * stage outputs are content-addressed and never change, so their columns and models are cached.
 */
import { queryRows, sqlIdent, sqlString } from '../../engine/data/duckdb.ts';
import { wsAbsolute } from '../../engine/runs/index.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { ApiFailure } from './api-error.ts';
import { readStatusSync, requireRun } from './run-files.ts';
import type { PredictionPage, PredictionRow } from '$lib/runs';

export const MAX_PREDICTIONS_PAGE = 500;

/** Columns every predictions.parquet has (eval-file.ts BASE_COLUMNS); the rest are scores and labels. */
const BASE = ['model', 'model_index', 'example_index', 'conversation_id', 'prompt', 'reference', 'output', 'finish_reason', 'prompt_tokens', 'output_tokens', 'prompt_truncated', 'target_tokens', 'token_loss_sum', 'token_correct', 'metadata'];

export interface PredictionQuery {
  stage?: string | null;
  model?: string | null;
  offset?: number;
  limit?: number;
  q?: string | null;
  sort?: string | null;
  desc?: boolean;
}

interface FileFacts {
  columns: string[];
  models: string[];
}

const facts = new Map<string, Promise<FileFacts>>();

function fileFacts(file: string): Promise<FileFacts> {
  let f = facts.get(file);
  if (!f) {
    f = (async () => {
      const rel = `read_parquet(${sqlString(file)})`;
      const cols = await queryRows<{ column_name: string }>(`DESCRIBE SELECT * FROM ${rel}`);
      const models = await queryRows<{ model: string }>(`SELECT model FROM ${rel} GROUP BY model ORDER BY min(model_index)`);
      return { columns: cols.map((c) => c.column_name), models: models.map((m) => m.model) };
    })();
    f.catch(() => facts.delete(file));
    facts.set(file, f);
    if (facts.size > 32) facts.delete(facts.keys().next().value!);
  }
  return f;
}

/** WHERE and ORDER BY for a query, with every name checked against the file's columns. */
export function predictionSql(q: PredictionQuery, columns: string[]): { where: string; order: string } {
  const conds: string[] = [];
  if (q.model) conds.push(`model = ${sqlString(q.model)}`);
  const text = q.q?.trim();
  if (text) {
    const needle = sqlString(text.toLowerCase());
    conds.push(`(${['prompt', 'reference', 'output'].map((c) => `strpos(lower(coalesce(${c}, '')), ${needle}) > 0`).join(' OR ')})`);
  }
  if (q.sort && !columns.includes(q.sort)) throw new ApiFailure(400, 'bad_sort', `cannot sort by '${q.sort}': the predictions have no such column (columns: ${columns.join(', ')})`, { field: 'sort' });
  const order = q.sort ? `${sqlIdent(q.sort)} ${q.desc ? 'DESC' : 'ASC'} NULLS LAST, example_index, model_index` : 'example_index, model_index';
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', order };
}

function toRow(r: Record<string, unknown>, scoreCols: string[]): PredictionRow {
  const scores: PredictionRow['scores'] = {};
  for (const c of scoreCols) scores[c] = (r[c] as number | boolean | string | null | undefined) ?? null;
  return {
    example_index: Number(r.example_index),
    model: String(r.model),
    conversation_id: String(r.conversation_id),
    prompt: (r.prompt as string | null) ?? null,
    reference: String(r.reference ?? ''),
    output: String(r.output ?? ''),
    finish_reason: (r.finish_reason as string | null) ?? null,
    scores
  };
}

/** The predictions file of a run's eval stage (default: the last one that finished). */
export async function predictionsFile(ws: Workspace, id: string, stage?: string | null): Promise<{ stage: string; file: string }> {
  requireRun(ws, id);
  const evals = readStatusSync(ws, id).stages.filter((s) => s.kind === 'eval');
  if (!evals.length) throw new ApiFailure(404, 'no_eval', `run ${id} has no eval stage, so no predictions`);
  const st = stage ? evals.find((s) => s.id === stage) : [...evals].reverse().find((s) => s.outputs.predictions);
  if (!st) throw new ApiFailure(404, stage ? 'stage_not_found' : 'no_predictions', stage ? `run ${id} has no eval stage '${stage}' (it has: ${evals.map((s) => s.id).join(', ')})` : `no eval stage of run ${id} has finished yet`);
  const out = st.outputs.predictions;
  if (!out) throw new ApiFailure(404, 'no_predictions', `eval stage ${st.id} of run ${id} has no predictions yet (${st.state})`);
  return { stage: st.id, file: wsAbsolute(ws, out.path) };
}

export async function predictionsPage(ws: Workspace, id: string, q: PredictionQuery): Promise<PredictionPage> {
  const { stage, file } = await predictionsFile(ws, id, q.stage);
  return pagePredictions(file, stage, q);
}

/** A page of one predictions.parquet (the file-level half of predictionsPage). */
export async function pagePredictions(file: string, stage: string, q: PredictionQuery): Promise<PredictionPage> {
  const { columns, models } = await fileFacts(file);
  if (q.model && !models.includes(q.model)) throw new ApiFailure(404, 'model_not_found', `eval stage ${stage} has no model '${q.model}' (models: ${models.join(', ')})`, { field: 'model' });
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  const limit = Math.min(MAX_PREDICTIONS_PAGE, Math.max(1, Math.floor(q.limit ?? 100)));
  const { where, order } = predictionSql(q, columns);
  const rel = `read_parquet(${sqlString(file)})`;
  const scoreCols = columns.filter((c) => !BASE.includes(c));
  const [count, rows] = await Promise.all([
    queryRows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${rel} ${where}`),
    queryRows<Record<string, unknown>>(`SELECT * EXCLUDE (metadata) FROM ${rel} ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`)
  ]);
  return { stage, model: q.model ?? null, models, total: count[0]?.n ?? 0, offset, rows: rows.map((r) => toRow(r, scoreCols)), score_columns: scoreCols };
}
