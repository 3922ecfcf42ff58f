import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRange, serveFile } from './serve-file.ts';
import { ApiFailure } from './api-error.ts';

let file: string;
const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-serve-'));
  file = path.join(dir, 'data.bin');
  fs.writeFileSync(file, bytes);
});

const req = (headers: Record<string, string> = {}, method = 'GET') => new Request('http://x/api/file', { method, headers });

describe('parseRange', () => {
  it('reads the single-range forms and clamps to the file', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
  });
  it('ignores what it does not serve and refuses what cannot be satisfied', () => {
    expect(parseRange(null, 100)).toBeNull();
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
  });
});

describe('serveFile', () => {
  it('sends the whole file with validators', async () => {
    const r = await serveFile(req(), file, { contentType: 'application/x-test' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-length')).toBe('1000');
    expect(r.headers.get('accept-ranges')).toBe('bytes');
    expect(r.headers.get('content-type')).toBe('application/x-test');
    expect(Buffer.from(await r.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('sends a byte range as 206 with Content-Range', async () => {
    const r = await serveFile(req({ range: 'bytes=100-199' }), file);
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(Buffer.from(await r.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
  });

  it('answers HEAD with the headers of the range and no body', async () => {
    const r = await serveFile(req({ range: 'bytes=0-' }, 'HEAD'), file);
    expect(r.status).toBe(206);
    expect(r.headers.get('content-length')).toBe('1000');
    expect(r.body).toBeNull();
  });

  it('says 416 for a range past the end, 304 for a current ETag, and ignores a range under a stale If-Range', async () => {
    const past = await serveFile(req({ range: 'bytes=1000-' }), file);
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */1000');
    const first = await serveFile(req(), file, { etag: '"k1"', immutable: true });
    expect(first.headers.get('cache-control')).toContain('immutable');
    expect((await serveFile(req({ 'if-none-match': '"k1"' }), file, { etag: '"k1"' })).status).toBe(304);
    const stale = await serveFile(req({ range: 'bytes=0-9', 'if-range': '"old"' }), file, { etag: '"k1"' });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('content-length')).toBe('1000');
  });

  it('fails with a 404 ApiFailure for a missing file', async () => {
    await expect(serveFile(req(), `${file}.missing`)).rejects.toSatisfy((e: unknown) => e instanceof ApiFailure && e.status === 404 && e.code === 'file_not_found');
  });
});
