/**
 * The built app's HTTP surface that pages rely on (no browser needed): /api/health, and the
 * dataset Parquet route's HEAD, Range and error answers in the /api error shape.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, tempWorkspace, type RunningApp } from './support/app.ts';
import { importGenerated } from './support/dataset.ts';
import { readCatalog } from '../../src/engine/data/catalog.ts';
import { openWorkspace } from '../../src/engine/workspace.ts';

describe('workbench API', () => {
  let app: RunningApp;
  let parquet: Buffer;

  beforeAll(async () => {
    const ws = tempWorkspace();
    await importGenerated(ws, 'support', 50);
    const w = await openWorkspace(ws);
    const v = (await readCatalog(w)).datasets.support.versions[0];
    parquet = fs.readFileSync(path.join(w.dir, v.file));
    app = await startApp({ workspace: ws });
  }, 300_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('reports health with versions and the workspace', async () => {
    const r = await fetch(`${app.url}/api/health`);
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.name).toBe('tunebench');
    expect(body.workspace).toBe(app.workspace);
    expect(body.backends.duckdb).toBe(true);
    expect(typeof body.version).toBe('string');
  });

  it('serves a dataset Parquet file whole, by HEAD and by byte ranges', async () => {
    const whole = await fetch(`${app.url}/api/datasets/support/parquet`);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(parquet)).toBe(true);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');

    const head = await fetch(`${app.url}/api/datasets/support/parquet?version=1`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(parquet.length);
    expect(head.headers.get('cache-control')).toContain('immutable');

    const first = await fetch(`${app.url}/api/datasets/support/parquet`, { headers: { range: 'bytes=0-3' } });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-3/${parquet.length}`);
    expect(Buffer.from(await first.arrayBuffer()).toString('latin1')).toBe('PAR1');

    const tail = await fetch(`${app.url}/api/datasets/support/parquet`, { headers: { range: 'bytes=-8' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(parquet.subarray(parquet.length - 8))).toBe(true);

    const past = await fetch(`${app.url}/api/datasets/support/parquet`, { headers: { range: `bytes=${parquet.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${parquet.length}`);

    const etag = whole.headers.get('etag')!;
    const again = await fetch(`${app.url}/api/datasets/support/parquet`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('answers unknown datasets and bad versions with the /api error shape', async () => {
    const missing = await fetch(`${app.url}/api/datasets/nothing/parquet`);
    expect(missing.status).toBe(404);
    const body = await missing.json();
    expect(body.error.code).toBe('dataset_not_found');
    expect(body.error.message).toContain("no dataset named 'nothing'");

    const noVersion = await fetch(`${app.url}/api/datasets/support/parquet?version=9`);
    expect(noVersion.status).toBe(404);
    expect((await noVersion.json()).error.message).toContain('has no version 9');

    const bad = await fetch(`${app.url}/api/datasets/support/parquet?version=x`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('bad_version');
  });
});
