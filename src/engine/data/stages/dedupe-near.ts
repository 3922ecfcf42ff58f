/**
 * dedupe near: rows whose `on` texts have shingle-set Jaccard similarity ≥ threshold are near
 * duplicates; each cluster keeps its first row in input order.
 *
 * Steps (near/): stream the column → shingles (word n-grams; character n-grams for CJK text) →
 * MinHash signatures (WebAssembly SIMD) → LSH bands → candidate pairs → exact Jaccard check →
 * union-find clusters. The dropped rows, each with the row it was grouped with and the
 * similarity, are written to near_duplicates.parquet (a stage output), and the stage's SQL drops
 * exactly those rows, keeping the input order.
 */
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DedupeNearStage } from '../../../../dsl/plan.ts';
import type { DescribeInput, StageContext, StageExecutor } from '../../runs/stage-executor.ts';
import { queryRows } from '../duckdb.ts';
import { clusterColumn, writeGroupReport } from './near/near-sql.ts';
import type { NearParams } from './near/cluster.ts';
import { copyRows, describeInput, LOGICAL_CTES, preambleTitle, sqlInput, withStageConnection, type SqlInput } from './operator.ts';
import { bitmapVariable, filterByBitmap, ident, q, rowsInPreamble, withCtes } from './sql.ts';

export function nearParams(p: DedupeNearStage['params']): NearParams {
  return { threshold: p.threshold, wordNgram: p.word_ngram, charNgram: p.char_ngram, permutations: p.permutations, bands: p.bands, rows: p.rows, seed: p.seed };
}

export function dedupeNearSql(input: SqlInput, reportFile: string): { preamble: string[]; select: string } {
  const read: [string, string] = [input.cte, `select * from ${input.relation}`];
  return {
    preamble: [rowsInPreamble(input.rows, input.relation), bitmapVariable('drop_rows', [['near_duplicates', `select row_id from read_parquet(${q(reportFile)})`]], 'near_duplicates')],
    select: withCtes([read, filterByBitmap(input.cte, 'drop_rows', false)])
  };
}

function minhashNotes(p: DedupeNearStage['params'], column: string): string[] {
  return [
    `read ${column} in input order; normalise (lower case; letters and digits make tokens)`,
    `shingles: word ${p.word_ngram}-grams, or character ${p.char_ngram}-grams for text with CJK characters; hashed to 32-bit integers`,
    `MinHash: ${p.permutations} permutations (a·x + b mod 2^32, seed ${p.seed}), WebAssembly SIMD`,
    `LSH: ${p.bands} bands × ${p.rows} rows; rows sharing a band are candidate pairs`,
    `each candidate pair is checked with the exact Jaccard similarity of its shingle sets (≥ ${p.threshold}); union-find makes clusters; each keeps its first row`,
    'the dropped rows, with the row each was grouped with, are written to near_duplicates.parquet'
  ];
}

/** The first dropped rows with the text of the row each was grouped with (one scan of the input). */
async function exampleRows(conn: DuckDBConnection, report: string, relation: string, column: string, limit = 10) {
  const pairs = await queryRows<{ row_id: number; cluster_row_id: number; source_line: number; cluster_source_line: number; similarity: number }>(
    `SELECT row_id, cluster_row_id, source_line, cluster_source_line, round(similarity::DOUBLE, 3) AS similarity FROM read_parquet(${q(report)}) ORDER BY row_id LIMIT ${limit}`,
    conn
  );
  if (!pairs.length) return [];
  const ids = [...new Set(pairs.flatMap((x) => [x.row_id, x.cluster_row_id]))];
  const texts = new Map(
    (await queryRows<{ id: number; text: string | null }>(`SELECT file_row_number AS id, left(CAST(${ident(column)} AS VARCHAR), 160) AS text FROM ${relation} WHERE file_row_number IN (${ids.join(', ')})`, conn)).map((r) => [Number(r.id), r.text])
  );
  return pairs.map((x) => ({ source_line: x.source_line, kept_source_line: x.cluster_source_line, similarity: x.similarity, text: texts.get(x.row_id) ?? null, kept_text: texts.get(x.cluster_row_id) ?? null }));
}

export const dedupeNearExecutor: StageExecutor<DedupeNearStage> = {
  cacheable: () => true,
  async run(ctx: StageContext<DedupeNearStage>) {
    const p = ctx.stage.params;
    const input = await sqlInput(ctx, LOGICAL_CTES);
    const inputFile = ctx.inputs[0].output.path;
    const out = path.join(ctx.outDir, 'main.parquet');
    const report = path.join(ctx.outDir, 'near_duplicates.parquet');
    const t0 = performance.now();
    const timings: Record<string, number> = {};
    let mark = t0;
    const lap = (name: string) => {
      const now = performance.now();
      timings[name] = Math.round(now - mark);
      mark = now;
    };
    const { clusters, rowsOut, examples } = await withStageConnection(ctx.signal, async (conn) => {
      const clusters = await clusterColumn(conn, inputFile, p.on, nearParams(p), input.rows ?? 0, ctx.events, ctx.signal);
      lap('clusters');
      await writeGroupReport(conn, inputFile, clusters, report);
      lap('report');
      const { preamble, select } = dedupeNearSql(input, report);
      for (const s of preamble) await conn.run(s);
      const rowsOut = await copyRows(conn, select, out);
      lap('write');
      const examples = await exampleRows(conn, report, input.relation, p.on);
      lap('examples');
      return { clusters, rowsOut, examples };
    });
    const rowsIn = input.rows ?? clusters.rows;
    return {
      outputs: { main: { kind: 'parquet', path: out, rows: rowsOut }, near_duplicates: { kind: 'file', path: report, rows: clusters.duplicates } },
      rowsIn,
      rowsOut,
      summary: {
        rows_in: rowsIn,
        rows_out: rowsOut,
        removed: rowsIn - rowsOut,
        on: p.on,
        threshold: p.threshold,
        clusters: clusters.clusters,
        duplicates_removed: clusters.duplicates,
        candidate_pairs: clusters.candidates,
        matched_pairs: clusters.matched,
        empty_texts: clusters.empty,
        minhash_engine: clusters.engine,
        timings_ms: { ...clusters.timings_ms, ...timings, total: Math.round(performance.now() - t0) },
        report: 'near_duplicates.parquet',
        examples
      }
    };
  },
  describe(stage: DedupeNearStage, inputs: DescribeInput[]) {
    const input = describeInput(inputs[0], LOGICAL_CTES);
    const { preamble, select } = dedupeNearSql(input, 'near_duplicates.parquet');
    return { sql: [...preamble.map((text) => ({ title: preambleTitle(text), text })), { title: 'output (after the MinHash steps)', text: select }], notes: minhashNotes(stage.params, stage.params.on) };
  }
};
