/**
 * Serves a file from a +server.ts route with what browsers and duckdb-wasm expect: HEAD, a single
 * byte Range (206, or 416 when it cannot be satisfied), strong ETags with If-None-Match and
 * If-Range, and a streamed body that stops reading when the client goes away. duckdb-wasm reads
 * Parquet files by ranges (footer first, then only the column chunks a query needs).
 *
 *   export const GET = ({ request }) => serveFile(request, file, { contentType: PARQUET_TYPE, immutable: true });
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ApiFailure } from './api-error.ts';

export const PARQUET_TYPE = 'application/vnd.apache.parquet';

export interface ServeFileOptions {
  contentType?: string;
  /** Content never changes at this URL (content-addressed): let the browser cache it for good. */
  immutable?: boolean;
  /** Overrides the size+mtime ETag, e.g. with a content hash. */
  etag?: string;
  /** Sent as Content-Disposition: attachment, for downloads. */
  downloadName?: string;
}

export type ByteRange = { start: number; end: number };

/**
 * The one range a Range header asks for, clamped to the file: null when the header is absent, not
 * about bytes, or lists several ranges (then the whole file is sent, as HTTP allows);
 * 'unsatisfiable' when it starts past the end.
 */
export function parseRange(header: string | null, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === etag || v.replace(/^W\//, '') === etag;
  });
}

export async function serveFile(request: Request, file: string, opts: ServeFileOptions = {}): Promise<Response> {
  let stat: fs.Stats;
  try {
    stat = await fsp.stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiFailure(404, 'file_not_found', `the file behind ${new URL(request.url).pathname} is missing on the server`);
    throw e;
  }
  if (!stat.isFile()) throw new ApiFailure(404, 'file_not_found', `${new URL(request.url).pathname} is not a file`);

  const size = stat.size;
  const etag = opts.etag ?? `"${size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  const headers: Record<string, string> = {
    'accept-ranges': 'bytes',
    etag,
    'last-modified': stat.mtime.toUTCString(),
    'content-type': opts.contentType ?? 'application/octet-stream',
    'cache-control': opts.immutable ? 'public, max-age=31536000, immutable' : 'no-cache'
  };
  if (opts.downloadName) headers['content-disposition'] = `attachment; filename="${opts.downloadName.replace(/["\\\r\n]/g, '_')}"`;

  if (etagMatches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });

  // If-Range: the client's copy is stale, so its range would splice two versions: send it all.
  const ifRange = request.headers.get('if-range');
  const range = ifRange && ifRange !== etag ? null : parseRange(request.headers.get('range'), size);
  if (range === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
  }

  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  const length = size === 0 ? 0 : end - start + 1;
  headers['content-length'] = String(length);
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  const status = range ? 206 : 200;

  if (request.method === 'HEAD' || length === 0) return new Response(null, { status, headers });
  const body = Readable.toWeb(fs.createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}
