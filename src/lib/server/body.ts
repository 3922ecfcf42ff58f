/**
 * Request bodies with a size limit. The limit is checked against Content-Length first and then
 * counted while streaming, so a lying or missing header cannot get past it. (adapter-node has its
 * own BODY_SIZE_LIMIT, 512 KB by default, applied before any handler: routes that take larger
 * bodies need the server started with a larger BODY_SIZE_LIMIT.)
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ApiFailure } from './api-error.ts';
import { tempPathFor } from '../../engine/util/atomic-write.ts';

export const DEFAULT_JSON_LIMIT = 1024 * 1024;

function tooLarge(maxBytes: number): ApiFailure {
  return new ApiFailure(413, 'payload_too_large', `the request body is larger than the limit of ${formatBytes(maxBytes)}`, { limit: maxBytes });
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

function checkDeclaredLength(request: Request, maxBytes: number) {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
}

/** Yields the body's chunks, failing with 413 once more than maxBytes have arrived. */
async function* limitedChunks(request: Request, maxBytes: number): AsyncGenerator<Uint8Array> {
  checkDeclaredLength(request, maxBytes);
  if (!request.body) return;
  const reader = request.body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > maxBytes) throw tooLarge(maxBytes);
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of limitedChunks(request, maxBytes)) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Parses a JSON body; a syntax error is a 400 that says where (line and column). */
export async function readJson<T = unknown>(request: Request, opts: { maxBytes?: number } = {}): Promise<T> {
  const type = request.headers.get('content-type') ?? '';
  if (type && !/json/i.test(type)) throw new ApiFailure(415, 'unsupported_media_type', `expected a JSON body (content-type application/json), got ${type}`);
  const text = new TextDecoder().decode(await readBody(request, opts.maxBytes ?? DEFAULT_JSON_LIMIT));
  if (!text.trim()) throw new ApiFailure(400, 'invalid_json', 'the request body is empty; expected JSON');
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    const details = jsonErrorPosition((e as Error).message, text);
    const where = details ? ` at line ${details.line}, column ${details.column}` : '';
    throw new ApiFailure(400, 'invalid_json', `the request body is not valid JSON${where}: ${(e as Error).message}`, details);
  }
}

/** V8 reports "at position N" (and sometimes "line L column C"); turn either into line and column. */
export function jsonErrorPosition(message: string, text: string): { line: number; column: number } | undefined {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (!pos) return undefined;
  const before = text.slice(0, Number(pos[1]));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/**
 * Streams the body to `target` (through a temporary file renamed at the end, so a cut-off upload
 * never leaves a partial file). Returns the number of bytes written.
 */
export async function saveBody(request: Request, target: string, opts: { maxBytes: number }): Promise<number> {
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  const out = fs.createWriteStream(tmp);
  let written = 0;
  try {
    for await (const chunk of limitedChunks(request, opts.maxBytes)) {
      written += chunk.byteLength;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', r));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await fsp.rename(tmp, target);
    return written;
  } catch (e) {
    out.destroy();
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}
