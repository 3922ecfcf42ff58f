/**
 * Read-only SQL views over the run store for the sandbox (`tunebench sql "select * from runs"`):
 *
 *   runs     one row per run (status.json): run_id, pipeline, file, status, rerun_of, times,
 *            elapsed_ms, stages, cache_hits, failed_stage, error
 *   stages   one row per stage of every run: status, timings, rows, cache hit and reason, summary (JSON)
 *   events   every line of every events.jsonl (data as JSON); a partial last line is skipped
 *   metrics  every line of every metrics.jsonl (the trainer's, OpenAI metric names) with run_id;
 *            an empty view while no run has metrics
 *   eval_metrics, eval_predictions   the eval stages' eval.json and predictions.parquet (see
 *            src/engine/eval/stage/views.ts)
 *
 * The sandbox may read exactly these files; the views are built when the sandbox opens.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { ExtraView } from '../data/sandbox.ts';
import type { Workspace } from '../workspace.ts';
import { isRunId } from './layout.ts';
import { evalViews } from '../eval/stage/views.ts';

async function runFiles(ws: Workspace, name: string): Promise<string[]> {
  const ids = (await fsp.readdir(ws.runsDir).catch(() => [] as string[])).filter(isRunId).sort();
  return ids.map((id) => path.join(ws.runsDir, id, name)).filter((f) => {
    try {
      return fs.statSync(f).size > 0;
    } catch {
      return false;
    }
  });
}

const STATUS_COLUMNS = `columns = {run_id: 'VARCHAR', pipeline: 'VARCHAR', file: 'VARCHAR', status: 'VARCHAR', rerun_of: 'VARCHAR', created_at: 'VARCHAR', started_at: 'VARCHAR', finished_at: 'VARCHAR', elapsed_ms: 'BIGINT', error: 'JSON', stages: 'JSON'}, format = 'auto'`;
const RUN_ID_FROM_FILE = `regexp_extract(filename, '([0-9]{8}-[0-9]{6}-[0-9a-f]{6})[/\\\\][^/\\\\]+$', 1)`;

export async function runViews(ws: Workspace): Promise<ExtraView[]> {
  const status = await runFiles(ws, 'status.json');
  const events = await runFiles(ws, 'events.jsonl');
  const metrics = await runFiles(ws, 'metrics.jsonl');
  const v = (name: string, type: string) => ({ name, type });
  return [
    {
      name: 'runs',
      files: status,
      reader: 'json',
      readerOptions: STATUS_COLUMNS,
      query: (r) =>
        `SELECT run_id, pipeline, file, status, rerun_of, created_at::TIMESTAMPTZ AS created_at, started_at::TIMESTAMPTZ AS started_at, finished_at::TIMESTAMPTZ AS finished_at, elapsed_ms,
           json_array_length(stages)::INTEGER AS stages,
           len(list_filter(from_json(stages, '["JSON"]'), s -> (s->'cache'->>'hit') = 'true'))::INTEGER AS cache_hits,
           error->>'stage' AS failed_stage, error->>'message' AS error
         FROM ${r}`,
      emptyColumns: [v('run_id', 'VARCHAR'), v('pipeline', 'VARCHAR'), v('file', 'VARCHAR'), v('status', 'VARCHAR'), v('rerun_of', 'VARCHAR'), v('created_at', 'TIMESTAMPTZ'), v('started_at', 'TIMESTAMPTZ'), v('finished_at', 'TIMESTAMPTZ'), v('elapsed_ms', 'BIGINT'), v('stages', 'INTEGER'), v('cache_hits', 'INTEGER'), v('failed_stage', 'VARCHAR'), v('error', 'VARCHAR')]
    },
    {
      name: 'stages',
      files: status,
      reader: 'json',
      readerOptions: STATUS_COLUMNS,
      query: (r) =>
        `SELECT run_id, pipeline, s->>'id' AS stage, s->>'kind' AS kind, s->>'name' AS name, s->>'state' AS state,
           (s->>'started_at')::TIMESTAMPTZ AS started_at, (s->>'elapsed_ms')::BIGINT AS elapsed_ms,
           (s->>'rows_in')::BIGINT AS rows_in, (s->>'rows_out')::BIGINT AS rows_out,
           (s->'cache'->>'hit')::BOOLEAN AS cache_hit, s->'cache'->>'reason' AS cache_reason, s->'cache'->>'key' AS cache_key,
           s->'summary' AS summary, s->'error'->>'message' AS error
         FROM (SELECT run_id, pipeline, unnest(from_json(stages, '["JSON"]')) AS s FROM ${r})`,
      emptyColumns: [v('run_id', 'VARCHAR'), v('pipeline', 'VARCHAR'), v('stage', 'VARCHAR'), v('kind', 'VARCHAR'), v('name', 'VARCHAR'), v('state', 'VARCHAR'), v('started_at', 'TIMESTAMPTZ'), v('elapsed_ms', 'BIGINT'), v('rows_in', 'BIGINT'), v('rows_out', 'BIGINT'), v('cache_hit', 'BOOLEAN'), v('cache_reason', 'VARCHAR'), v('cache_key', 'VARCHAR'), v('summary', 'JSON'), v('error', 'VARCHAR')]
    },
    {
      name: 'events',
      files: events,
      reader: 'json',
      readerOptions: `format = 'newline_delimited', ignore_errors = true, columns = {ts: 'VARCHAR', run_id: 'VARCHAR', level: 'VARCHAR', stage: 'VARCHAR', type: 'VARCHAR', message: 'VARCHAR', data: 'JSON'}`,
      query: (r) => `SELECT ts::TIMESTAMPTZ AS ts, run_id, level, stage, type, message, data FROM ${r} WHERE ts IS NOT NULL`,
      emptyColumns: [v('ts', 'TIMESTAMPTZ'), v('run_id', 'VARCHAR'), v('level', 'VARCHAR'), v('stage', 'VARCHAR'), v('type', 'VARCHAR'), v('message', 'VARCHAR'), v('data', 'JSON')]
    },
    {
      name: 'metrics',
      files: metrics,
      reader: 'json',
      readerOptions: `format = 'newline_delimited', ignore_errors = true, filename = true, union_by_name = true`,
      // a line still being written reads as all NULLs: leave it out
      query: (r) => `SELECT ${RUN_ID_FROM_FILE} AS run_id, * EXCLUDE (filename) FROM ${r} WHERE concat_ws('', *COLUMNS(* EXCLUDE (filename))) <> ''`,
      emptyColumns: [v('run_id', 'VARCHAR'), v('step', 'BIGINT'), v('train_loss', 'DOUBLE'), v('train_mean_token_accuracy', 'DOUBLE'), v('valid_loss', 'DOUBLE'), v('valid_mean_token_accuracy', 'DOUBLE'), v('full_valid_loss', 'DOUBLE')]
    },
    // eval_metrics, eval_predictions: the evaluator's files (eval/stage/views.ts)
    ...(await evalViews(ws))
  ];
}
