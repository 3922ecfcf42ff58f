/**
 * Positions from DuckDB's own messages: the errors come from the native engine (the same DuckDB
 * error formatting as duckdb-wasm), and the test checks the mapped position points at the
 * offending token in the query text.
 */
import { describe, expect, it } from 'vitest';
import { withConnection } from '../../engine/data/duckdb.ts';
import { parseSqlError } from './sql-error.ts';

async function errorOf(sql: string): Promise<string> {
  return withConnection(async (c) => {
    await c.run('CREATE OR REPLACE TEMP TABLE t AS SELECT 1 AS a, 2 AS b');
    try {
      await c.run(sql);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error(`expected ${sql} to fail`);
  });
}

function at(sql: string, line: number, column: number, length: number): string {
  return sql.split('\n')[line - 1].slice(column - 1, column - 1 + length);
}

describe('parseSqlError', () => {
  it('finds the column DuckDB points at, on the right line', async () => {
    const sql = 'SELECT a,\n  nope\nFROM t';
    const e = parseSqlError(await errorOf(sql), sql);
    expect(e.kind).toBe('Binder Error');
    expect([e.line, e.column]).toEqual([2, 3]);
    expect(at(sql, e.line!, e.column!, 4)).toBe('nope');
    expect(e.message).not.toContain('LINE 2');
    expect(e.message).toContain('Referenced column "nope" not found');
  });

  it('finds it inside the excerpt DuckDB shows for a long line', async () => {
    const sql = `SELECT '${'x'.repeat(150)}' AS pad, * FROM t WHERE missing_column_here = 1`;
    const raw = await errorOf(sql);
    expect(raw).toContain('LINE 1: ...'); // DuckDB shortened the line
    const e = parseSqlError(raw, sql);
    expect(at(sql, 1, e.column!, 19)).toBe('missing_column_here');
  });

  it('points a syntax error at its token, and "end of input" at the end', async () => {
    const sql = 'SELECT * FORM t';
    const e = parseSqlError(await errorOf(sql), sql);
    expect(e.kind).toBe('Parser Error');
    expect(e.line).toBe(1);
    expect(at(sql, 1, e.column!, 1)).toBe('t');
    const end = 'SELECT 1 +\n';
    const e2 = parseSqlError(await errorOf(end), end);
    expect([e2.line, e2.column]).toEqual([1, 11]);
  });

  it('keeps messages without a position as they are', () => {
    expect(parseSqlError('Out of Memory Error: failed to allocate', 'SELECT 1')).toEqual({
      message: 'Out of Memory Error: failed to allocate',
      kind: 'Out of Memory Error',
      raw: 'Out of Memory Error: failed to allocate'
    });
  });
});
