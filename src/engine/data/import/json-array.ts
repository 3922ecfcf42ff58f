/**
 * Reads a JSON array file ([{...}, {...}]) element by element without parsing the whole file:
 * a byte-level state machine finds each element's extent (strings, escapes and a bracket stack
 * bounded by maxDepth), and each element then goes through the same record checks as a JSONL
 * line. Problems with the array itself (truncation, a missing comma, nesting past the limit,
 * something after the closing bracket) are fatal: one file-level error, because after them the
 * element boundaries cannot be trusted.
 */
import fsp from 'node:fs/promises';
import { isAscii, isUtf8 } from 'node:buffer';
import { lineEncodingIssue } from '../validate/encoding.ts';
import { CHUNK_BYTES } from './jsonl.ts';
import type { ScanState } from './scan-state.ts';

const enum S {
  BeforeArray,
  ElementOrEnd,
  InElement,
  CommaOrEnd,
  AfterArray
}

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export interface ArrayScanOptions {
  onBytes?: (bytesDone: number) => void;
  signal?: AbortSignal;
}

export async function scanJsonArray(state: ScanState, file: string, opts: ArrayScanOptions = {}): Promise<void> {
  const fh = await fsp.open(file, 'r');
  const max = state.config.maxRecordBytes;
  const maxDepth = state.config.maxDepth;
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  const brackets = new Uint8Array(maxDepth + 1);
  let depth = 0;
  let inString = false;
  let escape = false;
  let s: S = S.BeforeArray;
  let afterComma = false;
  let line = 1;
  let col = 1;
  let fileOffset = 0;
  // The element being collected.
  let parts: Buffer[] = [];
  let partLen = 0;
  let elemStart = -1; // start index in the current chunk, or -1 when it started in an earlier chunk
  let elemLine = 0;
  let elemCol = 0;
  let elemTooLong = false;

  const fatal = (code: string, message: string, hint: string, atLine = line, atCol: number | null = col) => {
    state.note('error', code, atLine, atCol, message, hint);
    state.fatal = true;
  };
  const finishElement = (chunk: Buffer, endExclusive: number) => {
    const len = partLen + (endExclusive - Math.max(elemStart, 0));
    if (elemTooLong || len > max) {
      state.note('error', 'line_too_long', elemLine, elemCol, `array element is ${(len / (1 << 20)).toFixed(1)} MB, over the ${(max / (1 << 20)).toFixed(1)} MB limit for one record`, 'split or shorten the conversation');
      state.rejectUnread(elemLine);
    } else {
      const tail = chunk.subarray(Math.max(elemStart, 0), endExclusive);
      const bytes = parts.length === 0 ? tail : Buffer.concat([...parts, tail]);
      if (!isUtf8(bytes)) {
        const e = lineEncodingIssue(bytes);
        state.note('error', e.code, elemLine, elemCol, e.message, e.hint);
        state.rejectUnread(elemLine);
      } else {
        const ascii = isAscii(bytes);
        const oneLine = bytes.indexOf(0x0a) === -1 && bytes.indexOf(0x0d) === -1;
        state.jsonRecord(bytes.toString(ascii ? 'latin1' : 'utf8'), ascii, elemLine, elemCol, false, oneLine ? bytes : undefined);
      }
    }
    parts = [];
    partLen = 0;
    elemStart = -1;
    elemTooLong = false;
  };

  try {
    outer: for (;;) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      const { bytesRead } = await fh.read(buf, 0, CHUNK_BYTES, fileOffset);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      for (let i = 0; i < bytesRead; i++) {
        const b = chunk[i];
        switch (s) {
          case S.InElement:
            if (inString) {
              if (escape) escape = false;
              else if (b === 0x5c) escape = true;
              else if (b === 0x22) {
                inString = false;
                if (depth === 0) {
                  finishElement(chunk, i + 1);
                  s = S.CommaOrEnd;
                }
              }
            } else if (b === 0x22) inString = true;
            else if (b === 0x7b || b === 0x5b) {
              if (depth >= maxDepth) {
                fatal('nesting_too_deep', `JSON nested deeper than ${maxDepth} levels`, 'flatten the value; conversation records need only a few levels');
                break outer;
              }
              brackets[depth++] = b;
            } else if (b === 0x7d || b === 0x5d) {
              if (depth === 0) {
                finishElement(chunk, i);
                s = S.CommaOrEnd;
                i--;
                continue;
              }
              const open = brackets[--depth];
              if ((open === 0x7b) !== (b === 0x7d)) {
                fatal('json_syntax', `'${String.fromCharCode(b)}' closes a '${String.fromCharCode(open)}'`, 'a bracket is missing or misplaced in this element');
                break outer;
              }
              if (depth === 0) {
                finishElement(chunk, i + 1);
                s = S.CommaOrEnd;
              }
            } else if (depth === 0 && (b === 0x2c || isWs(b))) {
              finishElement(chunk, i);
              s = S.CommaOrEnd;
              i--;
              continue;
            }
            break;
          case S.BeforeArray:
            if (fileOffset + i === 0 && b === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
              state.note('info', 'bom', 1, 1, 'the file starts with a UTF-8 byte order mark', 'nothing to do: it was stripped');
              i += 2;
              continue;
            }
            if (isWs(b)) break;
            if (b !== 0x5b) {
              fatal('not_an_array', `the file does not start with a JSON array ('[') but with '${String.fromCharCode(b)}'`, 'a .json file must hold an array of records; use .jsonl for one record per line');
              break outer;
            }
            s = S.ElementOrEnd;
            break;
          case S.ElementOrEnd:
            if (isWs(b)) break;
            if (b === 0x5d) {
              if (afterComma) {
                fatal('json_trailing_comma', 'trailing comma before the closing bracket of the array', 'remove the comma after the last element');
                break outer;
              }
              s = S.AfterArray;
              break;
            }
            if (b === 0x2c) {
              fatal('json_syntax', 'an empty array element (two commas in a row)', 'remove the extra comma');
              break outer;
            }
            afterComma = false;
            s = S.InElement;
            elemStart = i;
            elemLine = line;
            elemCol = col;
            depth = 0;
            i--;
            continue;
          case S.CommaOrEnd:
            if (isWs(b)) break;
            if (b === 0x2c) {
              afterComma = true;
              s = S.ElementOrEnd;
              break;
            }
            if (b === 0x5d) {
              s = S.AfterArray;
              break;
            }
            fatal('json_syntax', `expected ',' or ']' between array elements, found '${String.fromCharCode(b)}'`, 'a comma between elements is missing');
            break outer;
          case S.AfterArray:
            if (isWs(b)) break;
            fatal('json_extra_data', 'data after the end of the top-level array', 'a .json file holds exactly one array');
            break outer;
        }
        if (b === 0x0a) {
          line++;
          col = 1;
        } else if ((b & 0xc0) !== 0x80) col++;
      }
      // Keep the unfinished element's bytes of this chunk.
      if (s === S.InElement) {
        const from = Math.max(elemStart, 0);
        partLen += bytesRead - from;
        if (partLen > max) {
          elemTooLong = true;
          parts = [];
        } else parts.push(Buffer.from(chunk.subarray(from)));
        elemStart = -1;
      }
      fileOffset += bytesRead;
      opts.onBytes?.(fileOffset);
    }
    if (!state.fatal) {
      if (s === S.BeforeArray) fatal('no_records', 'the file holds no JSON array', 'a .json file must hold an array of records', line, null);
      else if (s !== S.AfterArray) fatal('json_truncated', 'the file ends inside the JSON array (truncated?)', 'the file was probably cut off (interrupted download or write); restore it', line, col);
    }
  } finally {
    await fh.close();
  }
  state.lines = line;
}
