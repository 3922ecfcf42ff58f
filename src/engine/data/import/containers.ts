/**
 * The small containers: one JSON document, CSV and Parquet. Each feeds records into a ScanState
 * (CSV and Parquet rows as OpenAI-format records built by the column mapping).
 */
import fsp from 'node:fs/promises';
import { isAscii, isUtf8 } from 'node:buffer';
import { readCsv } from '../formats/csv.ts';
import type { Mapping } from '../formats/mapping.ts';
import { guessRecordFormat } from '../formats/openai.ts';
import { readParquet } from '../formats/parquet.ts';
import { isPlainObject } from '../formats/types.ts';
import { lineEncodingIssue } from '../validate/encoding.ts';
import { scanJson } from '../validate/json-scan.ts';
import { position, type ScanState } from './scan-state.ts';

/** Largest single JSON document read whole (bigger ones must be JSONL or an array). */
const MAX_DOCUMENT_BYTES = 256 << 20;

/** A .json file holding one value that is not an array: a single record, or a wrapper object. */
export async function scanJsonDocument(state: ScanState, file: string): Promise<void> {
  const fatal = (code: string, line: number, column: number | null, message: string, hint: string) => {
    state.note('error', code, line, column, message, hint);
    state.fatal = true;
  };
  const { size } = await fsp.stat(file);
  if (size > MAX_DOCUMENT_BYTES) return fatal('not_an_array', 1, 1, `the file is one ${Math.round(size / 2 ** 20)} MB JSON document, not an array or JSON Lines`, 'write one record per line (JSONL)');
  let bytes: Uint8Array = await fsp.readFile(file);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  if (!isUtf8(bytes)) {
    const e = lineEncodingIssue(bytes);
    return fatal(e.code, 1, null, e.message, e.hint);
  }
  const ascii = isAscii(bytes);
  const text = Buffer.from(bytes).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const scan = scanJson(text, { maxDepth: state.config.maxDepth });
    const p = scan.syntax ?? scan.tooDeep;
    const [l, c] = p ? position(text, p.offset, 1, 1) : [1, 1];
    state.lines = text.split('\n').length;
    return fatal(p?.code ?? 'json_syntax', l, c, p?.message ?? 'not valid JSON', p?.hint ?? 'the file must be JSON');
  }
  state.lines = text.split('\n').length;
  if (isPlainObject(value) && guessRecordFormat(value) === undefined) {
    const arrays = Object.entries(value).filter(([, v]) => Array.isArray(v)).map(([k, v]) => `"${k}" (${(v as unknown[]).length} elements)`);
    return fatal(
      'not_an_array',
      1,
      1,
      `the top level is an object${arrays.length ? ` with ${arrays.join(', ')}` : ''}, not an array of records`,
      arrays.length ? `the records seem to be inside ${arrays[0].split(' ')[0]}: extract that array (jq '.${arrays[0].split('"')[1]}' in.json > out.json)` : 'a .json file must hold an array of records'
    );
  }
  // One pretty-printed record.
  state.jsonRecord(text, ascii, 1, 1);
}

export interface TabularOptions {
  mapping?: Mapping;
  onProgress?: (bytesOrRows: number) => void;
  signal?: AbortSignal;
}

/** A row mapped to an OpenAI record goes through the JSON checks (columns are meaningless there). */
function mappedRecord(state: ScanState, record: Record<string, unknown>, line: number): void {
  const text = JSON.stringify(record, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  if (text.length > state.config.maxRecordBytes) {
    state.note('error', 'line_too_long', line, null, `the row is ${(text.length / (1 << 20)).toFixed(1)} MB, over the ${(state.config.maxRecordBytes / (1 << 20)).toFixed(1)} MB limit for one record`, 'a record this long is far beyond any context window; split or shorten it');
    state.rejectUnread(line);
    return;
  }
  state.jsonRecord(text, false, line, 1, true);
}

function tabularSink(state: ScanState) {
  return {
    header(columns: string[], m: { notes: string[] }) {
      if (m.notes.length) state.note('info', 'column_mapping', 1, null, m.notes.join('; '), 'pass --map target=column,... to choose other columns');
      void columns;
      return null;
    },
    fatal(code: string, line: number, message: string, hint: string) {
      state.note('error', code, line, null, message, hint);
      state.fatal = true;
    }
  };
}

export async function scanCsv(state: ScanState, file: string, opts: TabularOptions): Promise<void> {
  const base = tabularSink(state);
  let last = 0;
  await readCsv(
    file,
    opts.mapping,
    {
      ...base,
      row(record, line, fields, expected) {
        last = line;
        if (fields !== expected) {
          state.note('error', 'csv_field_count', line, null, `the row has ${fields} fields, the header has ${expected}`, 'a delimiter or quote is missing or extra in this row');
          state.rejectUnread(line);
          return;
        }
        mappedRecord(state, record, line);
      }
    },
    opts.onProgress,
    opts.signal,
    state.config.maxRecordBytes
  );
  state.lines = last;
}

export async function scanParquet(state: ScanState, file: string, opts: TabularOptions): Promise<void> {
  const base = tabularSink(state);
  let last = 0;
  await readParquet(
    file,
    opts.mapping,
    {
      ...base,
      row(record, line) {
        last = line;
        mappedRecord(state, record, line);
      }
    },
    opts.onProgress,
    opts.signal
  );
  state.lines = last;
}
