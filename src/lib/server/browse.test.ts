import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../engine/workspace.ts';
import { importDataset } from '../../engine/data/import.ts';
import type { DatasetVersion } from '../../engine/data/catalog.ts';
import { ensureBrowserDb } from './browser-db.ts';
import { pageRows, readRow, rowsAtLine, searchRows } from './browse.ts';
import { findVersion } from './dataset-version.ts';

const N = 2500;
/** Row i (1-based line i): every 7th assistant says NeEdLe; intent cycles a, b, c. */
const line = (i: number) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `user ${i}` },
      { role: 'assistant', content: i % 7 === 0 ? `the NeEdLe ${i}` : `answer ${i}` }
    ],
    intent: ['a', 'b', 'c'][i % 3]
  });

let ws: Workspace;
let v: DatasetVersion;
let file: string;

beforeAll(async () => {
  ws = await openWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), 'tb-browse-')), { create: true });
  const src = path.join(ws.root, 'rows.jsonl');
  fs.writeFileSync(src, Array.from({ length: N }, (_, k) => line(k + 1)).join('\n') + '\n');
  const r = await importDataset(ws, src, { name: 'rows', workers: 1 });
  expect(r.ok).toBe(true);
  ({ version: v, file } = await findVersion(ws, 'rows'));
});

const expectedHits = Array.from({ length: N }, (_, k) => k + 1).filter((i) => i % 7 === 0);

async function checkPages(expectSource: 'index' | 'parquet') {
  const p = await pageRows(ws, v, file, { offset: 1000, limit: 200 });
  expect(p.source).toBe(expectSource);
  expect(p.total).toBe(N);
  expect(p.rows.map((r) => r.i)).toEqual(Array.from({ length: 200 }, (_, k) => 1000 + k));
  // File order: position i is line i + 1.
  expect(p.rows.every((r) => r.source_line === r.i + 1)).toBe(true);
  expect(p.rows[1]).toMatchObject({ user: 'user 1002', assistant: 'answer 1002', meta: { intent: ['a', 'b', 'c'][1002 % 3] }, turns: 2 });
  expect(p.rows[0].assistant).toBe('the NeEdLe 1001'); // 1001 = 7 × 143
  const last = await pageRows(ws, v, file, { offset: N - 3, limit: 200 });
  expect(last.rows.map((r) => r.source_line)).toEqual([N - 2, N - 1, N]);
  expect((await pageRows(ws, v, file, { offset: N + 5, limit: 10 })).rows).toEqual([]);

  const hits = await pageRows(ws, v, file, { offset: 10, limit: 5, q: 'needle' });
  expect(hits.total).toBe(expectedHits.length);
  expect(hits.rows.map((r) => r.source_line)).toEqual(expectedHits.slice(10, 15));

  const row = await readRow(ws, v, file, 6);
  expect(row?.messages.map((m) => [m.role, m.content])).toEqual([
    ['user', 'user 7'],
    ['assistant', 'the NeEdLe 7']
  ]);
  expect(row?.meta).toEqual({ intent: 'b' });
  expect(await readRow(ws, v, file, N)).toBeNull();
  expect(await rowsAtLine(ws, v, file, 1234)).toEqual([1233]);
  expect(await rowsAtLine(ws, v, file, 1234, 'other.jsonl')).toEqual([]);
}

describe('paging through a dataset version', () => {
  it('reads pages in file order, searches, and finds rows by line from the Parquet file', async () => {
    await checkPages('parquet');
  });

  it('gives the same answers from the DuckDB copy once it exists', async () => {
    await ensureBrowserDb(ws, v.key, file);
    await checkPages('index');
  });

  it('clamps page sizes and treats the search text as data, not SQL', async () => {
    const p = await pageRows(ws, v, file, { offset: 0, limit: 100_000 });
    expect(p.rows.length).toBe(1000);
    expect((await searchRows(ws, v, file, "'; DROP TABLE data; --")).length).toBe(0);
    expect((await searchRows(ws, v, file, '%')).length).toBe(0);
  });
});
