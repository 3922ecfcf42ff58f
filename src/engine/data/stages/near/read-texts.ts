/**
 * Streams one text column of a Parquet file, in row order, into a NearIndex-like sink. Texts are
 * fetched in blocks: DuckDB joins the texts of 2,048 consecutive rows with NUL separators
 * (string_agg ordered by row number), so JavaScript receives a few hundred long strings instead of
 * a million short ones (each string crossing from DuckDB costs a native call and a decode). NULL
 * becomes ''. NUL cannot occur in imported text (validation rejects it), but a block whose
 * separator count does not match its row count is fetched again row by row.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, q } from '../sql.ts';

export interface TextSink {
  add(text: string | null): void;
  addBlock(block: string, rows: number): void;
}

export const BLOCK_ROWS = 2048;

function separators(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\0'); i >= 0; i = s.indexOf('\0', i + 1)) n++;
  return n;
}

export async function readTextColumn(conn: DuckDBConnection, file: string, column: string, sink: TextSink, opts: { signal?: AbortSignal; onRows?: (rows: number) => void } = {}): Promise<number> {
  const relation = `read_parquet(${q(file)}, file_row_number = true)`;
  const text = `coalesce(CAST(${ident(column)} AS VARCHAR), '')`;
  const result = await conn.stream(
    `SELECT file_row_number // ${BLOCK_ROWS} AS block, count(*) AS n, string_agg(${text}, chr(0) ORDER BY file_row_number) AS texts FROM ${relation} GROUP BY block ORDER BY block`
  );
  let rows = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const [blocks, counts, texts] = chunk.getColumns() as [bigint[], bigint[], string[]];
    for (let i = 0; i < texts.length; i++) {
      const n = Number(counts[i]);
      if (separators(texts[i]) === n - 1) sink.addBlock(texts[i], n);
      else {
        const first = Number(blocks[i]) * BLOCK_ROWS;
        const r = await conn.runAndReadAll(`SELECT ${text} AS t FROM ${relation} WHERE file_row_number >= ${first} AND file_row_number < ${first + n} ORDER BY file_row_number`);
        for (const t of r.getColumns()[0] as string[]) sink.add(t);
      }
      rows += n;
    }
    opts.onRows?.(rows);
  }
  return rows;
}
