/**
 * The DuckDB side of near-duplicate work: stream the text column into a NearIndex, then write the
 * rows that were grouped into a Parquet report (row numbers, ids, source lines, the row each one
 * was grouped with, and the similarity), which the operator SQL then reads.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { StageEvents } from '../../../runs/stage-executor.ts';
import { q } from '../sql.ts';
import { NearIndex, type Clusters, type NearParams } from './cluster.ts';
import { readTextColumn } from './read-texts.ts';

export async function clusterColumn(conn: DuckDBConnection, file: string, column: string, params: NearParams, rows: number, events: StageEvents, signal: AbortSignal): Promise<Clusters> {
  const index = new NearIndex(params);
  await readTextColumn(conn, file, column, index, { signal, onRows: (done) => events.progress({ done, total: rows, unit: 'rows', phase: 'minhash' }) });
  signal.throwIfAborted();
  return index.cluster(signal);
}

/**
 * Writes rows that are not the first of their cluster to `reportFile`:
 * row_id, cluster_row_id (the first row), similarity, and both rows' conversation_id and source_line.
 */
export async function writeGroupReport(conn: DuckDBConnection, inputFile: string, clusters: Clusters, reportFile: string): Promise<number> {
  const table = `near_groups_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  await conn.run(`CREATE TEMP TABLE ${table} (row_id INTEGER, cluster_row_id INTEGER, similarity FLOAT)`);
  try {
    const app = await conn.createAppender(table, 'main', 'temp');
    let n = 0;
    for (let i = 0; i < clusters.rows; i++) {
      const r = clusters.root[i];
      if (r === i) continue;
      app.appendInteger(i);
      app.appendInteger(r);
      app.appendFloat(clusters.similarity[i]);
      app.endRow();
      n++;
    }
    app.closeSync();
    const input = `read_parquet(${q(inputFile)}, file_row_number = true)`;
    await conn.run(
      `COPY (
  SELECT g.row_id, g.cluster_row_id, g.similarity,
         r.conversation_id, r.source_file, r.source_line,
         f.conversation_id AS cluster_conversation_id, f.source_line AS cluster_source_line
  FROM ${table} g
  JOIN ${input} r ON r.file_row_number = g.row_id
  JOIN ${input} f ON f.file_row_number = g.cluster_row_id
  ORDER BY g.row_id
) TO ${q(reportFile)} (FORMAT parquet, COMPRESSION zstd)`
    );
    return n;
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${table}`);
  }
}
