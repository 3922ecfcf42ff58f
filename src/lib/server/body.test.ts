import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonErrorPosition, readBody, readJson, saveBody } from './body.ts';
import { ApiFailure } from './api-error.ts';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    }
  });
}

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request('http://x/api', { method: 'POST', body, headers, duplex: 'half' } as RequestInit & { duplex: 'half' });

const failure = (status: number, code: string) => (e: unknown) => e instanceof ApiFailure && e.status === status && e.code === code;

describe('request bodies', () => {
  it('parses JSON within the limit', async () => {
    expect(await readJson(post('{"a":[1,2]}', { 'content-type': 'application/json' }))).toEqual({ a: [1, 2] });
  });

  it('refuses a body over the limit by its declared length and by counting a streamed one', async () => {
    await expect(readBody(post('x'.repeat(100), { 'content-length': '100' }), 10)).rejects.toSatisfy(failure(413, 'payload_too_large'));
    // No Content-Length: counted while streaming.
    await expect(readBody(post(streamOf(['12345', '67890', 'x'])), 10)).rejects.toSatisfy(failure(413, 'payload_too_large'));
    expect((await readBody(post(streamOf(['12345', '67890'])), 10)).byteLength).toBe(10);
  });

  it('says where JSON is broken', async () => {
    const e = (await readJson(post('{\n  "a": 1,\n  oops\n}', { 'content-type': 'application/json' })).catch((x: unknown) => x)) as ApiFailure;
    expect(e).toBeInstanceOf(ApiFailure);
    expect(e.code).toBe('invalid_json');
    expect(e.details).toEqual({ line: 3, column: 3 });
    expect(e.message).toContain('line 3, column 3');
  });

  it('refuses other media types and empty bodies', async () => {
    await expect(readJson(post('a=1', { 'content-type': 'application/x-www-form-urlencoded' }))).rejects.toSatisfy(failure(415, 'unsupported_media_type'));
    await expect(readJson(post('  ', { 'content-type': 'application/json' }))).rejects.toSatisfy(failure(400, 'invalid_json'));
  });

  it('maps V8 positions to lines and columns', () => {
    expect(jsonErrorPosition('Unexpected token } in JSON at position 4', 'ab\ncd}')).toEqual({ line: 2, column: 2 });
    expect(jsonErrorPosition('Bad thing (line 7 column 2)', '')).toEqual({ line: 7, column: 2 });
    expect(jsonErrorPosition('no position here', '')).toBeUndefined();
  });

  it('streams a body to a file and leaves nothing behind when it is too large', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-body-'));
    const target = path.join(dir, 'up', 'file.jsonl');
    expect(await saveBody(post(streamOf(['{"a":1}\n', '{"a":2}\n'])), target, { maxBytes: 100 })).toBe(16);
    expect(fs.readFileSync(target, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    const other = path.join(dir, 'up', 'big.jsonl');
    await expect(saveBody(post(streamOf(['x'.repeat(60), 'y'.repeat(60)])), other, { maxBytes: 100 })).rejects.toSatisfy(failure(413, 'payload_too_large'));
    expect(fs.readdirSync(path.join(dir, 'up'))).toEqual(['file.jsonl']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
