/**
 * "DuckDB alone" for bench/import.bench.mts: read_json of the chat JSONL straight into Parquet
 * (no validation, no derived columns, no dedupe) with @duckdb/node-api, all cores.
 *
 *   node --import tsx bench/import-duckdb-peer.mts IN.jsonl OUT.parquet
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output] = process.argv.slice(2);
const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const reader = await conn.runAndReadAll(
  `COPY (SELECT * FROM read_json(${q(input)}, format = 'newline_delimited', columns = {messages: 'STRUCT(role VARCHAR, content VARCHAR)[]', intent: 'VARCHAR'})) TO ${q(output)} (FORMAT parquet, COMPRESSION zstd)`
);
console.log(JSON.stringify({ rows: Number(reader.getRows()[0]?.[0] ?? 0) }));
