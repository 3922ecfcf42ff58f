import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryRows, sqlString } from '../duckdb.ts';
import { concatParquet } from './parquet-concat.ts';

describe('concatParquet', () => {
  it('joins DuckDB-written files (nested lists, dictionaries, several row groups) into one readable file, in order', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-pq-'));
    const part = (i: number) => path.join(dir, `p${i}.parquet`);
    const select = (from: number, to: number) =>
      `SELECT i, 'row ' || i AS s, CASE WHEN i % 3 = 0 THEN NULL ELSE ['a', 'b', 'x' || i] END AS tags, [{'role': 'user', 'content': repeat('c', i % 50)}] AS messages, i % 5 = 0 AS flag, i / 7.0 AS d FROM range(${from}, ${to}) t(i)`;
    await queryRows(`COPY (${select(0, 5000)}) TO ${sqlString(part(0))} (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION zstd)`);
    await queryRows(`COPY (${select(5000, 6000)}) TO ${sqlString(part(1))} (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION zstd)`);
    await queryRows(`COPY (${select(6000, 9000)}) TO ${sqlString(part(2))} (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION zstd)`);
    const out = path.join(dir, 'all.parquet');
    await concatParquet([part(0), part(1), part(2)], out);
    const [meta] = await queryRows<{ n: number; groups: number }>(`SELECT num_rows AS n, num_row_groups AS groups FROM parquet_file_metadata(${sqlString(out)})`);
    expect(meta).toEqual({ n: 9000, groups: 3 + 1 + 2 });
    const [diff] = await queryRows<{ n: number }>(
      `SELECT count(*) AS n FROM ((SELECT * FROM read_parquet(${sqlString(out)}) EXCEPT ALL (${select(0, 9000)})) UNION ALL ((${select(0, 9000)}) EXCEPT ALL SELECT * FROM read_parquet(${sqlString(out)})))`
    );
    expect(diff.n).toBe(0);
    const order = await queryRows<{ ok: boolean }>(`SELECT bool_and(i = rn - 1) AS ok FROM (SELECT i, row_number() OVER () AS rn FROM read_parquet(${sqlString(out)}))`);
    expect(order[0].ok).toBe(true);
    // Filters that use row-group statistics still find the right rows.
    expect(await queryRows(`SELECT i, s FROM read_parquet(${sqlString(out)}) WHERE i IN (1, 5001, 8999) ORDER BY i`)).toEqual([
      { i: 1, s: 'row 1' },
      { i: 5001, s: 'row 5001' },
      { i: 8999, s: 'row 8999' }
    ]);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses files with different schemas', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-pq-'));
    await queryRows(`COPY (SELECT 1 AS a) TO ${sqlString(path.join(dir, 'a.parquet'))} (FORMAT parquet)`);
    await queryRows(`COPY (SELECT 'x' AS a) TO ${sqlString(path.join(dir, 'b.parquet'))} (FORMAT parquet)`);
    await expect(concatParquet([path.join(dir, 'a.parquet'), path.join(dir, 'b.parquet')], path.join(dir, 'c.parquet'))).rejects.toThrow(/different schema/);
    fs.rmSync(dir, { recursive: true });
  });
});
