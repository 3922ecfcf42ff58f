/**
 * Parquet import: DuckDB reads the file (streamed, one vector of rows at a time) and each row goes
 * through the same column mapping as CSV. A row's "line" is its 1-based row number. A canonical
 * tunebench table (a `messages` list column) maps itself: messages=messages, the derived columns
 * are recomputed, the rest stays metadata.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../duckdb.ts';
import { mapRow, resolveMapping, type Mapping, type ResolvedMapping } from './mapping.ts';

export interface ParquetRowSink {
  header(columns: string[], mapping: ResolvedMapping): string | null;
  row(record: Record<string, unknown>, line: number): void;
  fatal(code: string, line: number, message: string, hint: string): void;
}

export async function readParquet(file: string, explicit: Mapping | undefined, sink: ParquetRowSink, onRows?: (rows: number) => void, signal?: AbortSignal): Promise<void> {
  // A private instance with no file access beyond what read_parquet needs keeps a malformed file
  // from affecting the engine's shared instance.
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await db.connect();
  try {
    let result;
    try {
      result = await conn.stream(`SELECT * FROM read_parquet(${sqlString(file)})`);
    } catch (e) {
      sink.fatal('parquet_unreadable', 1, `DuckDB cannot read the Parquet file: ${(e as Error).message.split('\n')[0]}`, 'check that the file is Parquet and not truncated');
      return;
    }
    const columns = result.columnNames();
    const mapping = resolveMapping(columns, explicit);
    if (mapping.errors.length) {
      sink.fatal('mapping_error', 1, mapping.errors.join('; '), 'name the columns with --map user=COLUMN,assistant=COLUMN[,system=COLUMN][,intent=COLUMN]');
      return;
    }
    if (sink.header(columns, mapping)) return;
    let line = 0;
    for await (const rows of result.yieldRowObjectJson()) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      for (const r of rows) sink.row(mapRow(r as Record<string, unknown>, mapping), ++line);
      onRows?.(line);
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
