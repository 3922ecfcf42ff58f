/**
 * Dataset statistics for `tunebench stats` and the web charts: message counts by role, the
 * distributions of turns and characters (summary numbers plus histogram bins), exact duplicates,
 * value counts of the metadata columns (intent, style, ...) and training weights. Trusted SQL on
 * the engine instance over one version's Parquet file.
 */
import { readCatalog, resolveDataset, versionPath, type DatasetVersion } from './catalog.ts';
import { queryRows, sqlIdent, sqlString, withConnection } from './duckdb.ts';
import { RESERVED_COLUMNS } from './schema.ts';
import type { Workspace } from '../workspace.ts';

export interface Distribution {
  min: number;
  p5: number;
  median: number;
  mean: number;
  p95: number;
  max: number;
  /** Equal-width bins over [min, max]; `lo` inclusive, `hi` exclusive (the last one inclusive). */
  bins: { lo: number; hi: number; count: number }[];
}

export interface DatasetStats {
  name: string;
  version: number;
  rows: number;
  bytes: number;
  messages: number;
  byRole: { role: string; messages: number; conversations: number; chars: number }[];
  turns: Distribution;
  chars: Distribution;
  duplicates: { rows: number; groups: number; examples: { conversation_id: string; count: number; lines: number[] }[] };
  metadata: { column: string; distinct: number; nulls: number; top: { value: string | null; count: number }[] }[];
  weights: {
    /** Messages by role and weight as stored (null = default). */
    byRoleAndWeight: { role: string; weight: number | null; messages: number }[];
    trainedMessages: number;
    /** Conversations in which no turn is trained on. */
    untrainableConversations: number;
  };
}

const BINS = 20;

async function distribution(rel: string, expr: string, conn: Parameters<typeof queryRows>[1]): Promise<Distribution> {
  const [s] = await queryRows<{ mn: number; p5: number; med: number; mean: number; p95: number; mx: number }>(
    `SELECT min(${expr}) AS mn, quantile_cont(${expr}, 0.05) AS p5, median(${expr}) AS med, avg(${expr}) AS mean, quantile_cont(${expr}, 0.95) AS p95, max(${expr}) AS mx FROM ${rel}`,
    conn
  );
  const min = Number(s.mn ?? 0);
  const max = Number(s.mx ?? 0);
  const width = Math.max(1, Math.ceil((max - min + 1) / BINS));
  const counts = await queryRows<{ b: number; n: number }>(`SELECT least(CAST(floor((${expr} - ${min}) / ${width}) AS INTEGER), ${BINS - 1}) AS b, count(*) AS n FROM ${rel} GROUP BY 1 ORDER BY 1`, conn);
  const nbins = Math.min(BINS, Math.floor((max - min) / width) + 1);
  const bins = Array.from({ length: nbins }, (_, i) => ({ lo: min + i * width, hi: Math.min(min + (i + 1) * width, max + 1), count: 0 }));
  for (const c of counts) if (bins[c.b]) bins[c.b].count = c.n;
  const r = (x: unknown) => Math.round(Number(x ?? 0) * 100) / 100;
  return { min, p5: r(s.p5), median: r(s.med), mean: r(s.mean), p95: r(s.p95), max, bins };
}

export async function datasetStats(ws: Workspace, ref: string): Promise<DatasetStats> {
  const found = resolveDataset(await readCatalog(ws), ref);
  if ('error' in found) throw new Error(found.error);
  return statsForVersion(ws, found.entry.name, found.version);
}

export async function statsForVersion(ws: Workspace, name: string, v: DatasetVersion): Promise<DatasetStats> {
  const rel = `read_parquet(${sqlString(versionPath(ws, v))})`;
  const msgs = `(SELECT conversation_id, unnest(messages) AS m FROM ${rel})`;
  return withConnection(async (conn) => {
    const byRole = await queryRows<{ role: string; messages: number; conversations: number; chars: number }>(
      `SELECT m.role AS role, count(*) AS messages, count(DISTINCT conversation_id) AS conversations, CAST(coalesce(sum(length(m.content)), 0) AS BIGINT) AS chars FROM ${msgs} GROUP BY 1 ORDER BY 2 DESC`,
      conn
    );
    const turns = await distribution(rel, 'turns', conn);
    const chars = await distribution(rel, 'chars', conn);
    const [d] = await queryRows<{ rows: number; groups: number }>(
      `SELECT coalesce(sum(n - 1), 0) AS rows, count(*) AS groups FROM (SELECT count(*) AS n FROM ${rel} GROUP BY conversation_id HAVING count(*) > 1)`,
      conn
    );
    const examples = await queryRows<{ conversation_id: string; count: number; lines: number[] }>(
      `SELECT conversation_id, count(*) AS count, list(source_line ORDER BY source_line)[1:10] AS lines FROM ${rel} GROUP BY 1 HAVING count(*) > 1 ORDER BY 2 DESC, min(source_line) LIMIT 10`,
      conn
    );
    const metaCols = v.columns.filter((c) => !RESERVED_COLUMNS.has(c.name)).map((c) => c.name);
    const metadata: DatasetStats['metadata'] = [];
    for (const col of metaCols) {
      const c = sqlIdent(col);
      const [s] = await queryRows<{ n_distinct: number; nulls: number }>(`SELECT count(DISTINCT ${c}) AS n_distinct, count(*) - count(${c}) AS nulls FROM ${rel}`, conn);
      const top = await queryRows<{ value: string | null; count: number }>(`SELECT CAST(${c} AS VARCHAR) AS value, count(*) AS count FROM ${rel} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20`, conn);
      metadata.push({ column: col, distinct: s.n_distinct, nulls: s.nulls, top });
    }
    const byRoleAndWeight = await queryRows<{ role: string; weight: number | null; messages: number }>(`SELECT m.role AS role, m.weight AS weight, count(*) AS messages FROM ${msgs} GROUP BY 1, 2 ORDER BY 1, 2`, conn);
    const [w] = await queryRows<{ trained: number; untrainable: number }>(
      `SELECT (SELECT count(*) FROM ${msgs} WHERE coalesce(m.weight, CASE WHEN m.role = 'assistant' THEN 1 ELSE 0 END) = 1) AS trained,
              (SELECT count(*) FROM ${rel} WHERE len(list_filter(messages, x -> coalesce(x.weight, CASE WHEN x.role = 'assistant' THEN 1 ELSE 0 END) = 1)) = 0) AS untrainable`,
      conn
    );
    return {
      name,
      version: v.version,
      rows: v.rows,
      bytes: v.bytes,
      messages: byRole.reduce((a, r) => a + r.messages, 0),
      byRole,
      turns,
      chars,
      duplicates: { rows: d.rows, groups: d.groups, examples },
      metadata,
      weights: { byRoleAndWeight, trainedMessages: w.trained, untrainableConversations: w.untrainable }
    };
  });
}
