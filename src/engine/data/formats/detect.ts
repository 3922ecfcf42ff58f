/**
 * Format auto-detection from the file name and its first bytes. The container (JSONL lines, a
 * JSON array, one JSON document, CSV, Parquet) always comes from the content; the record format
 * (openai, prompt-completion, context-response) comes from the keys of the first records, by
 * majority, unless the caller overrides it (--format).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { scanJson } from '../validate/json-scan.ts';
import { guessRecordFormat } from './openai.ts';
import { isPlainObject, type FormatName, type RecordFormat } from './types.ts';

export type Container = 'jsonl' | 'json-array' | 'json-document' | 'csv' | 'parquet';

export interface Detection {
  format: FormatName;
  /** The JSON record format (for csv/parquet: openai, after column mapping). */
  recordFormat: RecordFormat;
  container: Container;
  /** Why, in words (shown by validate). */
  reason: string;
  /** A whole-file problem found while detecting (reported as one fatal error). */
  problem?: { code: string; line: number; message: string; hint: string };
}

const HEAD_BYTES = 256 * 1024;
const RECORD_FORMATS = new Set<string>(['openai', 'prompt-completion', 'context-response']);

export async function readHead(file: string, bytes = HEAD_BYTES): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Majority record format of the JSON values found in the first lines. */
function voteRecordFormat(lines: string[]): { format: string | undefined; votes: Record<string, number> } {
  const votes: Record<string, number> = {};
  for (const raw of lines.slice(0, 200)) {
    const t = raw.trim().replace(/,$/, '');
    if (!t.startsWith('{')) continue;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      continue;
    }
    if (!isPlainObject(v)) continue;
    const g = guessRecordFormat(v);
    if (g) votes[g] = (votes[g] ?? 0) + 1;
  }
  let best: string | undefined;
  for (const [k, n] of Object.entries(votes)) if (best === undefined || n > votes[best]) best = k;
  return { format: best, votes };
}

/** Key-pattern fallback for pretty-printed arrays whose lines are not whole records. */
function keyPatternFormat(text: string): string | undefined {
  if (/"messages"\s*:/.test(text)) return 'openai';
  if (/"context"\s*:/.test(text) && /"response"\s*:/.test(text)) return 'context-response';
  if (/"prompt"\s*:/.test(text) && /"completion"\s*:/.test(text)) return 'prompt-completion';
  return undefined;
}

export async function detectFormat(file: string, override?: FormatName): Promise<Detection> {
  const head = await readHead(file);
  const ext = path.extname(file).toLowerCase();
  if (override === 'parquet' || (!override && (ext === '.parquet' || head.subarray(0, 4).toString('latin1') === 'PAR1'))) {
    return { format: 'parquet', recordFormat: 'openai', container: 'parquet', reason: override ? '--format parquet' : 'Parquet file' };
  }
  if (override === 'csv' || (!override && (ext === '.csv' || ext === '.tsv'))) {
    return { format: 'csv', recordFormat: 'openai', container: 'csv', reason: override ? '--format csv' : `${ext} file` };
  }
  let start = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3;
  while (start < head.length && (head[start] === 0x20 || head[start] === 0x0a || head[start] === 0x0d || head[start] === 0x09)) start++;
  const text = head.subarray(start).toString('utf8');
  const firstNl = text.search(/\r\n|\n|\r/);
  const firstLine = firstNl === -1 ? text : text.slice(0, firstNl);
  const firstLineComplete = firstLine.length > 0 && scanJson(firstLine).syntax === null;
  const lines = text.split(/\r\n|\n|\r/);
  const c = text[0];

  let container: Container = 'jsonl';
  let problem: Detection['problem'];
  const jsonlName = ext === '.jsonl' || ext === '.ndjson';
  if (c === '[') {
    if (jsonlName && !firstLineComplete) {
      const n = Math.max(1, lines.length - 1);
      problem = {
        code: 'json_array_in_jsonl',
        line: 1,
        message: `the file is named ${ext} but holds one JSON array spread over ${n}${head.length === HEAD_BYTES ? '+' : ''} lines, not one record per line`,
        hint: 'rename it to .json to import it as a JSON array, or write one record per line (jq -c ".[]" in.json > out.jsonl)'
      };
    }
    container = jsonlName && firstLineComplete ? 'jsonl' : 'json-array';
  } else if (c === '{' && !jsonlName && !firstLineComplete && scanJson(firstLine).syntax?.code === 'json_truncated') {
    container = 'json-document';
  }

  let recordFormat: string | undefined;
  let reason: string;
  if (override && RECORD_FORMATS.has(override)) {
    recordFormat = override;
    reason = `--format ${override}`;
  } else {
    const vote = voteRecordFormat(container === 'json-array' ? lines.slice(1) : lines);
    recordFormat = vote.format ?? keyPatternFormat(text);
    reason = vote.format ? `keys of the first records (${Object.entries(vote.votes).map(([k, n]) => `${k}: ${n}`).join(', ')})` : recordFormat ? 'keys in the first bytes' : 'no recognisable records: assuming openai';
    if (!problem && (recordFormat === 'alpaca' || recordFormat === 'sharegpt')) {
      problem = {
        code: 'unsupported_format',
        line: 1,
        message: `the records look like ${recordFormat === 'alpaca' ? 'Alpaca (instruction/input/output)' : 'ShareGPT (conversations/from/value)'}, which tunebench does not import`,
        hint: 'convert them to OpenAI chat ({"messages": [{"role", "content"}]}), or to CSV and import with --map user=...,assistant=...'
      };
    }
    if (!recordFormat || !RECORD_FORMATS.has(recordFormat)) recordFormat = 'openai';
  }
  const rf = recordFormat as RecordFormat;
  return { format: rf, recordFormat: rf, container, reason: `${reason}; ${container === 'jsonl' ? 'JSON Lines' : container === 'json-array' ? 'a JSON array' : 'one JSON document'}`, problem };
}
