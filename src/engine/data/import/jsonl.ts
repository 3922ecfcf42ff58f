/**
 * Reads JSON Lines from a byte range of a file, record by record, in bounded memory: chunks of
 * 4 MB, and a line longer than maxRecordBytes is skipped without being held. Lines are counted by
 * '\n' (the numbering editors and the bad/ manifest use); a trailing '\r' (CRLF) is dropped, and a
 * bare '\r' inside a line separates records that keep that line's number (old Mac line endings).
 * A UTF-8 BOM is stripped at the start of the file and rejected anywhere else.
 */
import fsp from 'node:fs/promises';
import { isAscii, isUtf8 } from 'node:buffer';
import { lineEncodingIssue } from '../validate/encoding.ts';
import type { ScanState } from './scan-state.ts';

export const CHUNK_BYTES = 4 << 20;

export interface RangeOptions {
  start: number;
  end: number;
  /** The range starts at byte 0 of the file (line 1 is the file's first line). */
  isFileStart: boolean;
  onBytes?: (bytesDone: number) => void;
  signal?: AbortSignal;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}

/** Code-point column of a byte offset in a UTF-8 (possibly invalid) line. */
function byteColumn(bytes: Uint8Array, offset: number): number {
  let col = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if ((bytes[i] & 0xc0) !== 0x80) col++;
  return col;
}

export function handleLine(state: ScanState, raw: Uint8Array, lineNo: number, isFileStart: boolean): void {
  let b = raw;
  if (b.length > 0 && b[b.length - 1] === 0x0d) {
    b = b.subarray(0, b.length - 1);
    state.noteOnce('info', 'crlf_line_endings', null, 'the file uses CRLF (Windows) line endings', 'nothing to do: the \\r is dropped and not counted');
  }
  const column = 1;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
    if (isFileStart && lineNo === 1) {
      b = b.subarray(3);
      state.note('info', 'bom', 1, 1, 'the file starts with a UTF-8 byte order mark', 'nothing to do: it was stripped');
    } else {
      state.note('error', 'bom_mid_file', lineNo, 1, 'a byte order mark (U+FEFF) starts this line', 'two files were probably joined with cat; strip the BOM (sed -i "s/^\\xEF\\xBB\\xBF//" file)');
      state.rejectUnread(lineNo);
      return;
    }
  }
  if (b.length > state.config.maxRecordBytes) {
    tooLong(state, lineNo, b.length);
    return;
  }
  // ASCII is valid UTF-8, and checking it is the cheaper of the two.
  const ascii = isAscii(b);
  if (!ascii && !isUtf8(b)) {
    const e = lineEncodingIssue(b);
    state.note('error', e.code, lineNo, byteColumn(b, e.offset), e.message, e.hint);
    state.rejectUnread(lineNo);
    return;
  }
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString(ascii ? 'latin1' : 'utf8');
  if (isBlank(text)) {
    state.blank++;
    return;
  }
  if (text.indexOf('\r') === -1) {
    state.jsonRecord(text, ascii, lineNo, column, false, b);
    return;
  }
  state.noteOnce('info', 'bare_cr_line_break', lineNo, 'a bare carriage return (\\r) separates records inside this line', 'nothing to do: it is read as a line break (old Mac line endings); the records keep this line number');
  let from = 0;
  for (const part of text.split('\r')) {
    if (!isBlank(part)) state.jsonRecord(part, ascii, lineNo, column + [...text.slice(0, from)].length);
    from += part.length + 1;
  }
}

export function tooLong(state: ScanState, lineNo: number, bytes: number): void {
  const mb = (n: number) => `${(n / (1 << 20)).toFixed(1)} MB`;
  state.note('error', 'line_too_long', lineNo, null, `the line is ${mb(bytes)}, over the ${mb(state.config.maxRecordBytes)} limit for one record`, 'a record this long is far beyond any context window; split or shorten the conversation');
  state.rejectUnread(lineNo);
}

/** Scans [start, end) of `file` line by line into `state`. */
export async function scanJsonlRange(state: ScanState, file: string, opts: RangeOptions): Promise<void> {
  const fh = await fsp.open(file, 'r');
  const max = state.config.maxRecordBytes;
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let pos = opts.start;
  let lineNo = 0;
  let carry: Buffer[] = [];
  let carryLen = 0;
  try {
    while (pos < opts.end) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK_BYTES, opts.end - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const chunk = buf.subarray(0, bytesRead);
      let at = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, at);
        if (nl === -1) {
          // No line end in the rest of the chunk: keep it (unless the line is already too long).
          if (carryLen <= max) carry.push(Buffer.from(chunk.subarray(at)));
          carryLen += bytesRead - at;
          if (carryLen > max) carry = [];
          break;
        }
        lineNo++;
        if (carryLen === 0) handleLine(state, chunk.subarray(at, nl), lineNo, opts.isFileStart);
        else if (carryLen + nl - at > max) tooLong(state, lineNo, carryLen + nl - at);
        else handleLine(state, Buffer.concat([...carry, chunk.subarray(at, nl)]), lineNo, opts.isFileStart);
        carry = [];
        carryLen = 0;
        at = nl + 1;
      }
      opts.onBytes?.(pos - opts.start);
    }
    if (carryLen > 0) {
      lineNo++;
      if (carryLen > max) tooLong(state, lineNo, carryLen);
      else handleLine(state, Buffer.concat(carry), lineNo, opts.isFileStart);
    }
  } finally {
    await fh.close();
  }
  state.lines = lineNo;
}
