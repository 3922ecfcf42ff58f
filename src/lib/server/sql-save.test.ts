import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../engine/workspace.ts';
import { importDataset } from '../../engine/data/import.ts';
import { readCatalog } from '../../engine/data/catalog.ts';
import { ApiFailure } from './api-error.ts';
import { saveQuery } from './sql-save.ts';
import { cachedStats, statsCachePath } from './dataset-stats.ts';

let ws: Workspace;
beforeAll(async () => {
  ws = await openWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), 'tb-sqlsave-')), { create: true });
  const f = path.join(ws.root, 'desk.jsonl');
  const rec = (i: number) => JSON.stringify({ messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: `a${i}` }], intent: i % 2 ? 'odd' : 'even' });
  fs.writeFileSync(f, Array.from({ length: 10 }, (_, k) => rec(k + 1)).join('\n') + '\n');
  expect((await importDataset(ws, f, { name: 'desk', workers: 1 })).ok).toBe(true);
});

describe('save result as dataset', () => {
  it('stores the result as a new version with the query as lineage', async () => {
    const r = await saveQuery(ws, 'odd_only', "SELECT * FROM desk WHERE intent = 'odd'");
    expect(r).toMatchObject({ name: 'odd_only', status: 'created', rows: 5 });
    const v = (await readCatalog(ws)).datasets.odd_only.versions[0];
    expect(v.lineage).toEqual({ kind: 'sql', query: "SELECT * FROM desk WHERE intent = 'odd'", inputs: [{ name: 'desk', version: 1 }] });
  });

  it('says where a query fails (line and column) and what is not allowed', async () => {
    const e = (await saveQuery(ws, 'x', 'SELECT *\nFROM desk\nWHERE nope = 1').catch((x: unknown) => x)) as ApiFailure;
    expect(e).toBeInstanceOf(ApiFailure);
    expect(e.status).toBe(400);
    expect(e.details).toMatchObject({ line: 3, column: 7 });
    expect(e.message).toContain('nope');
    await expect(saveQuery(ws, 'x', 'DROP TABLE desk')).rejects.toSatisfy((x: unknown) => x instanceof ApiFailure && x.code === 'statement_not_allowed');
    await expect(saveQuery(ws, 'x', 'SELECT intent FROM desk')).rejects.toSatisfy((x: unknown) => x instanceof ApiFailure && /canonical column/.test(x.message));
    await expect(saveQuery(ws, 'bad name', 'SELECT * FROM desk')).rejects.toBeInstanceOf(ApiFailure);
    await expect(saveQuery(ws, 'x', '   ')).rejects.toSatisfy((x: unknown) => x instanceof ApiFailure && x.code === 'missing_sql');
    expect((await readCatalog(ws)).datasets.x).toBeUndefined();
  });
});

describe('statistics cache', () => {
  it('computes once per version and reads the cache afterwards', async () => {
    const v = (await readCatalog(ws)).datasets.desk.versions[0];
    const first = await cachedStats(ws, 'desk', v);
    expect(first.rows).toBe(10);
    expect(first.metadata.find((m) => m.column === 'intent')?.top).toEqual([
      { value: 'even', count: 5 },
      { value: 'odd', count: 5 }
    ]);
    // A second call is served from the file: prove it by marking the file.
    const file = statsCachePath(ws, v);
    const cached = JSON.parse(fs.readFileSync(file, 'utf8'));
    cached.stats.messages = -1;
    fs.writeFileSync(file, JSON.stringify(cached));
    expect((await cachedStats(ws, 'alias', v)).messages).toBe(-1);
    expect((await cachedStats(ws, 'alias', v)).name).toBe('alias');
  });
});
