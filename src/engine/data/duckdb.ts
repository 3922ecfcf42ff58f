/**
 * DuckDB access for the engine. One in-memory instance per process for trusted engine SQL
 * (imports, pipeline stages); user SQL goes through sandbox.ts instead.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | undefined;

export function engineDb(): Promise<DuckDBInstance> {
  const threads = process.env.TUNEBENCH_DUCKDB_THREADS;
  const options: Record<string, string> = threads ? { threads } : {};
  instance ??= DuckDBInstance.create(':memory:', options).catch((e) => {
    instance = undefined;
    throw e;
  });
  return instance;
}

/** Runs `fn` on a fresh connection of the engine instance and closes it afterwards. */
export async function withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await engineDb();
  const conn = await db.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
  }
}

/** Runs one statement and returns its rows as JSON-safe objects (BIGINT → number when safe). */
export async function queryRows<T = Record<string, unknown>>(sql: string, conn?: DuckDBConnection): Promise<T[]> {
  const go = async (c: DuckDBConnection) => {
    const reader = await c.runAndReadAll(sql);
    return reader.getRowObjectsJS().map(normaliseRow) as T[];
  };
  return conn ? go(conn) : withConnection(go);
}

function normaliseValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(normaliseValue);
  if (v && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = normaliseValue(x);
    return o;
  }
  return v;
}

function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  return normaliseValue(row) as Record<string, unknown>;
}

/** SQL string literal with single quotes doubled. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** SQL identifier with double quotes doubled. */
export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
