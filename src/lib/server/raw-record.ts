/**
 * The raw text of one record of a dataset file, for the row view that a validation finding links
 * to: line N of a JSON Lines or CSV file, the element of a JSON array that starts at line N (up
 * to where its brackets close), or row N of a Parquet file as JSON. Lines count `\n` only, as
 * the importer's findings do. Reading stops at MAX_BYTES, so a 5 MB line is shown cut.
 */
import fsp from 'node:fs/promises';
import { queryRows, sqlString } from '../../engine/data/duckdb.ts';
import type { RawRecord } from '$lib/raw-record';

export type { RawRecord };

const CHUNK = 1 << 20;
const MAX_BYTES = 64 * 1024;
const MAX_LINES = 200;

async function isParquet(file: string): Promise<boolean> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, 0);
    return buf.toString('latin1') === 'PAR1';
  } finally {
    await fh.close();
  }
}

/** Byte offset where 1-based `line` starts, or null past the end. */
async function lineStart(fh: fsp.FileHandle, line: number): Promise<number | null> {
  if (line === 1) return 0;
  const buf = Buffer.allocUnsafe(CHUNK);
  let seen = 1;
  let pos = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
    if (bytesRead === 0) return null;
    let at = -1;
    while ((at = buf.indexOf(0x0a, at + 1)) !== -1 && at < bytesRead) {
      if (++seen === line) return pos + at + 1;
    }
    pos += bytesRead;
  }
}

/** How far a JSON element that starts in `text` runs: the index after its closing bracket, or -1. */
export function elementEnd(text: string): number {
  let depth = 0;
  let inString = false;
  let started = false;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if (inString) {
      if (ch === '\\') k++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') {
      depth++;
      started = true;
    } else if ((ch === '}' || ch === ']') && started && --depth === 0) return k + 1;
  }
  return -1;
}

async function textRecord(file: string, line: number, multiLine: boolean): Promise<RawRecord | null> {
  const fh = await fsp.open(file, 'r');
  try {
    const start = await lineStart(fh, line);
    if (start === null) return null;
    const buf = Buffer.alloc(MAX_BYTES + 4);
    const { bytesRead } = await fh.read(buf, 0, buf.length, start);
    if (bytesRead === 0) return null;
    let text = buf.subarray(0, Math.min(bytesRead, MAX_BYTES)).toString('utf8');
    let truncated = bytesRead > MAX_BYTES;
    if (multiLine) {
      // The array's own bracket may share the first element's line.
      const lead = line === 1 ? /^\s*\[/.exec(text)?.[0].length ?? 0 : 0;
      text = text.slice(lead);
      const end = elementEnd(text);
      if (end !== -1) {
        text = text.slice(0, end);
        truncated = false;
      }
      const lines = text.split('\n');
      if (lines.length > MAX_LINES) {
        text = lines.slice(0, MAX_LINES).join('\n');
        truncated = true;
      }
    } else {
      const nl = text.indexOf('\n');
      if (nl !== -1) {
        text = text.slice(0, nl);
        truncated = false;
      }
      text = text.replace(/\r$/, '');
    }
    if (truncated) text = text.replace(/\uFFFD$/, ''); // a character cut at the byte limit
    const lastLine = line + (text.match(/\n/g)?.length ?? 0);
    return { kind: multiLine ? 'json-element' : 'line', line, lastLine, text, truncated };
  } finally {
    await fh.close();
  }
}

/** The record at `line` (Parquet: row number) of `file`; null when the file has no such line. */
export async function readRawRecord(file: string, line: number): Promise<RawRecord | null> {
  if (!Number.isInteger(line) || line < 1) return null;
  if (await isParquet(file)) {
    const rows = await queryRows<Record<string, unknown>>(`SELECT * FROM read_parquet(${sqlString(file)}) LIMIT 1 OFFSET ${line - 1}`);
    if (!rows.length) return null;
    const text = JSON.stringify(rows[0], (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
    return { kind: 'parquet-row', line, lastLine: line, text, truncated: false };
  }
  return textRecord(file, line, /\.json$/i.test(file));
}
