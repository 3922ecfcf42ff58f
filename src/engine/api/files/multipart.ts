/**
 * A streaming multipart/form-data reader (RFC 7578) for uploads: file parts go straight to disk
 * as they arrive, text fields are kept (a few KB at most), and the whole body is counted against
 * a byte limit while it streams, so a 2 GB upload never sits in memory and an oversized one stops
 * at the limit. Request.formData() would buffer everything.
 *
 * The parser is a small state machine over chunks: it looks for "\r\n--boundary" with
 * Buffer.indexOf, holds back only the last (boundary length) bytes of a chunk (a delimiter may
 * straddle two chunks), and parses each part's headers (Content-Disposition name/filename).
 */
import fs from 'node:fs';
import { once } from 'node:events';

export class MultipartError extends Error {
  constructor(
    message: string,
    readonly code: 'not_multipart' | 'malformed_multipart' | 'too_large'
  ) {
    super(message);
    this.name = 'MultipartError';
  }
}

export interface FilePart {
  field: string;
  /** The file name as the client sent it (not sanitised: callers must). */
  filename: string;
  contentType: string | null;
  /** Where the bytes went (decided by the caller's `fileTarget`). */
  path: string;
  bytes: number;
}

export interface MultipartResult {
  fields: Record<string, string>;
  files: FilePart[];
  /** Body bytes read. */
  total: number;
}

export interface MultipartOptions {
  /** Limit on the whole body; over it: MultipartError('too_large') and every file removed. */
  maxBytes: number;
  /** Where a file part goes, or null to refuse it (its bytes are then skipped). */
  fileTarget: (field: string, filename: string) => string | null;
  /** Text fields longer than this are refused (default 64 KB). */
  maxFieldBytes?: number;
}

export function boundaryOf(contentType: string | null): string {
  const m = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '');
  if (!m) throw new MultipartError(`expected a multipart/form-data body with a boundary (got content-type ${contentType ?? 'none'})`, 'not_multipart');
  return m[1] ?? m[2];
}

/** name and filename from a Content-Disposition header (quoted strings, RFC 5987 filename*). */
export function parseDisposition(value: string): { name: string | null; filename: string | null } {
  const param = (key: string): string | null => {
    const re = new RegExp(`(?:^|;)\\s*${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i');
    const m = re.exec(value);
    if (!m) return null;
    return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2].trim();
  };
  const star = param('filename\\*');
  let filename = param('filename');
  if (star) {
    const m = /^[^']*'[^']*'(.*)$/.exec(star);
    try {
      filename = decodeURIComponent(m ? m[1] : star);
    } catch {
      // keep the plain filename
    }
  }
  return { name: param('name'), filename };
}

type Phase = 'preamble' | 'headers' | 'body' | 'done';

/** Reads a multipart body from `stream`; resolves once the closing delimiter has been read. */
export async function readMultipart(stream: AsyncIterable<Uint8Array>, boundary: string, opts: MultipartOptions): Promise<MultipartResult> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const maxField = opts.maxFieldBytes ?? 64 * 1024;
  const fields: Record<string, string> = {};
  const files: FilePart[] = [];
  // The preamble ends at the first "--boundary", which may start the body without a CRLF.
  let buf: Buffer = Buffer.from('\r\n');
  let phase: Phase = 'preamble';
  let total = 0;
  let part: { field: string; filename: string | null; contentType: string | null; out: fs.WriteStream | null; path: string | null; bytes: number; text: Buffer[] } | null = null;

  const write = async (data: Buffer) => {
    if (!part || data.length === 0) return;
    part.bytes += data.length;
    if (part.out) {
      if (!part.out.write(data)) await once(part.out, 'drain');
    } else if (part.filename === null) {
      if (part.bytes > maxField) throw new MultipartError(`form field '${part.field}' is longer than ${maxField} bytes`, 'malformed_multipart');
      part.text.push(data);
    }
  };
  const endPart = async () => {
    if (!part) return;
    if (part.out) {
      const out = part.out;
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      files.push({ field: part.field, filename: part.filename ?? '', contentType: part.contentType, path: part.path!, bytes: part.bytes });
    } else if (part.filename === null) fields[part.field] = Buffer.concat(part.text).toString('utf8');
    part = null;
  };
  const startPart = (headerText: string) => {
    const headers = new Map<string, string>();
    for (const line of headerText.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
    const disp = parseDisposition(headers.get('content-disposition') ?? '');
    if (!disp.name) throw new MultipartError('a form part has no Content-Disposition name', 'malformed_multipart');
    const target = disp.filename !== null ? opts.fileTarget(disp.name, disp.filename) : null;
    part = { field: disp.name, filename: disp.filename, contentType: headers.get('content-type') ?? null, out: target ? fs.createWriteStream(target) : null, path: target, bytes: 0, text: [] };
    if (part.out) part.out.on('error', () => {}); // surfaced by end()
  };

  try {
    for await (const chunk of stream) {
      total += chunk.byteLength;
      if (total > opts.maxBytes) throw new MultipartError(`the upload is larger than the limit of ${opts.maxBytes} bytes`, 'too_large');
      buf = buf.length ? Buffer.concat([buf, chunk]) : Buffer.from(chunk);
      for (;;) {
        if (phase === 'done') break;
        if (phase === 'headers') {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) {
            if (buf.length > 16 * 1024) throw new MultipartError('part headers are longer than 16 KB', 'malformed_multipart');
            break;
          }
          startPart(buf.subarray(0, end).toString('utf8'));
          buf = buf.subarray(end + 4);
          phase = 'body';
          continue;
        }
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          // Keep enough bytes for a delimiter that continues in the next chunk.
          const keep = Math.min(buf.length, delimiter.length - 1);
          if (phase === 'body') await write(buf.subarray(0, buf.length - keep));
          buf = buf.subarray(buf.length - keep);
          break;
        }
        const after = at + delimiter.length;
        if (buf.length < after + 2) break; // need the two bytes after the boundary
        if (phase === 'body') {
          await write(buf.subarray(0, at));
          await endPart();
        }
        const tail = buf.subarray(after, after + 2).toString('latin1');
        if (tail === '--') {
          phase = 'done';
          buf = Buffer.alloc(0);
          break;
        }
        // Transport padding (spaces/tabs) may sit before the CRLF.
        let i = after;
        while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
        if (i + 2 > buf.length) break;
        if (buf[i] !== 0x0d || buf[i + 1] !== 0x0a) throw new MultipartError('a boundary line is not followed by CRLF', 'malformed_multipart');
        buf = buf.subarray(i + 2);
        phase = 'headers';
      }
    }
    if (phase !== 'done') throw new MultipartError('the body ended before the closing boundary (a cut-off upload?)', 'malformed_multipart');
    return { fields, files, total };
  } catch (e) {
    const open = part as { out: fs.WriteStream | null; path: string | null } | null;
    open?.out?.destroy();
    for (const p of [...files.map((f) => f.path), open?.path].filter((x): x is string => !!x)) await fs.promises.rm(p, { force: true });
    throw e;
  }
}
