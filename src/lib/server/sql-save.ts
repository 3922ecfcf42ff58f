/**
 * "Save result as dataset" for the SQL console: the query runs on the server through the
 * sandboxed path (saveQueryAsDataset: read-only, datasets only, SELECT only), its result becomes
 * a new version of `name` with the query as lineage. Failures are 400s with DuckDB's position
 * (line and column in the query) when it gave one.
 */
import { saveQueryAsDataset, type SaveResult } from '../../engine/data/save-query.ts';
import { SandboxError } from '../../engine/data/sandbox.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { parseSqlError } from '$lib/sql/sql-error';
import { ApiFailure } from './api-error.ts';

export const MAX_SQL_CHARS = 100_000;

export async function saveQuery(ws: Workspace, name: string, sql: unknown): Promise<SaveResult> {
  if (typeof sql !== 'string' || !sql.trim()) throw new ApiFailure(400, 'missing_sql', 'send the query to save: { "sql": "SELECT * FROM …" }', { field: 'sql' });
  if (sql.length > MAX_SQL_CHARS) throw new ApiFailure(413, 'sql_too_long', `the query is longer than ${MAX_SQL_CHARS} characters`);
  try {
    return await saveQueryAsDataset(ws, sql, name);
  } catch (e) {
    if (!(e instanceof SandboxError)) throw e;
    const parsed = parseSqlError(e.message, sql);
    const status = e.code === 'timeout' ? 408 : 400;
    throw new ApiFailure(status, e.code, parsed.message, { kind: parsed.kind ?? null, line: parsed.line ?? null, column: parsed.column ?? null });
  }
}
