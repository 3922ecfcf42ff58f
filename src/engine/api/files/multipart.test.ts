import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { boundaryOf, MultipartError, parseDisposition, readMultipart } from './multipart.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunebench-multipart-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A real multipart body, encoded by the platform's FormData. */
async function encode(fields: Record<string, string>, file: { name: string; bytes: Uint8Array }): Promise<{ body: Uint8Array; type: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([Buffer.from(file.bytes)]), file.name);
  const req = new Request('http://x/', { method: 'POST', body: form });
  return { body: new Uint8Array(await req.arrayBuffer()), type: req.headers.get('content-type')! };
}

async function* chunks(body: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => x % (body.length + 1)))].sort((a, b) => a - b)) {
    yield body.subarray(at, c);
    at = c;
  }
  yield body.subarray(at);
}

let n = 0;
const target = () => path.join(dir, `f${n++}`);

describe('readMultipart', () => {
  it('reads fields and streams the file to disk, however the body is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 12 }), fc.string({ maxLength: 30 }), async (bytes, cuts, purpose) => {
        const { body, type } = await encode({ purpose }, { name: 'data.jsonl', bytes });
        const r = await readMultipart(chunks(body, cuts), boundaryOf(type), { maxBytes: 1 << 20, fileTarget: () => target() });
        expect(r.fields.purpose).toBe(purpose);
        expect(r.files).toHaveLength(1);
        expect(r.files[0].filename).toBe('data.jsonl');
        expect(Buffer.from(fs.readFileSync(r.files[0].path)).equals(Buffer.from(bytes))).toBe(true);
        expect(r.total).toBe(body.length);
      }),
      { numRuns: 60 }
    );
  });

  it('keeps bytes that look like a boundary inside the file', async () => {
    const bytes = new TextEncoder().encode('\r\n--not-the-boundary\r\n--\r\n');
    const { body, type } = await encode({}, { name: 'x.jsonl', bytes });
    const r = await readMultipart(chunks(body, [5, 40, 41]), boundaryOf(type), { maxBytes: 1 << 20, fileTarget: () => target() });
    expect(fs.readFileSync(r.files[0].path, 'utf8')).toBe('\r\n--not-the-boundary\r\n--\r\n');
  });

  it('stops at the size limit and removes what it wrote', async () => {
    const { body, type } = await encode({ purpose: 'fine-tune' }, { name: 'big.jsonl', bytes: new Uint8Array(5000) });
    const file = target();
    const err = await readMultipart(chunks(body, [1000, 2000, 3000]), boundaryOf(type), { maxBytes: 2500, fileTarget: () => file }).catch((e) => e);
    expect(err).toBeInstanceOf(MultipartError);
    expect((err as MultipartError).code).toBe('too_large');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses a body cut off before its closing boundary', async () => {
    const { body, type } = await encode({}, { name: 'x.jsonl', bytes: new Uint8Array(100) });
    const err = await readMultipart(chunks(body.subarray(0, body.length - 10), []), boundaryOf(type), { maxBytes: 1 << 20, fileTarget: () => target() }).catch((e) => e);
    expect((err as MultipartError).code).toBe('malformed_multipart');
  });

  it('skips file parts the caller refuses', async () => {
    const { body, type } = await encode({ purpose: 'fine-tune' }, { name: 'x.jsonl', bytes: new Uint8Array(10) });
    const r = await readMultipart(chunks(body, []), boundaryOf(type), { maxBytes: 1 << 20, fileTarget: () => null });
    expect(r.files).toHaveLength(0);
    expect(r.fields).toEqual({ purpose: 'fine-tune' });
  });
});

describe('headers', () => {
  it('reads the boundary, quoted or not, and refuses other content types', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc')).toBe('abc');
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b"')).toBe('a b');
    expect(() => boundaryOf('application/json')).toThrow(MultipartError);
  });

  it('reads names and file names, escaped quotes and RFC 5987 file names', () => {
    expect(parseDisposition('form-data; name="file"; filename="a \\"b\\".jsonl"')).toEqual({ name: 'file', filename: 'a "b".jsonl' });
    expect(parseDisposition("form-data; name=file; filename*=UTF-8''%E4%BD%A0%E5%A5%BD.jsonl")).toEqual({ name: 'file', filename: '你好.jsonl' });
    expect(parseDisposition('form-data; name="purpose"')).toEqual({ name: 'purpose', filename: null });
  });
});
