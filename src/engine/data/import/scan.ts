/**
 * Scans a whole file: encoding sniff, container reader, and for big JSON Lines files a split into
 * byte ranges at line ends, each scanned by a worker thread (scan-worker.mjs) that validates its
 * lines and writes its own intermediate part. Summaries come back as plain data and are merged
 * here with line offsets, followed by the file-level checks (no records, too few examples, mixed
 * formats, nothing trainable).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Detection } from '../formats/detect.ts';
import type { Mapping } from '../formats/mapping.ts';
import { FindingSink } from '../validate/finding.ts';
import { fileEncodingMessage, sniffFileEncoding } from '../validate/encoding.ts';
import { scanCsv, scanJsonDocument, scanParquet } from './containers.ts';
import { IntermediateWriter, type WrittenPart } from './intermediate.ts';
import { scanJsonArray } from './json-array.ts';
import { scanJsonlRange } from './jsonl.ts';
import { ScanState, type ColumnSeen, type ScanConfig, type ScanSummary } from './scan-state.ts';

export interface ScanFileOptions {
  file: string;
  detection: Detection;
  config: ScanConfig;
  mapping?: Mapping;
  /** Folder for intermediate parts; null to write none. */
  outDir: string | null;
  /** Write only ids and lines (enough for duplicate checks), not the records. */
  idsOnly?: boolean;
  /** Worker threads for JSON Lines: 'auto' (by size and cores) or a number (1 = in process). */
  workers?: number | 'auto';
  onProgress?: (p: { bytes: number; totalBytes: number; rows: number }) => void;
  signal?: AbortSignal;
}

export interface Part {
  path: string;
  lineOffset: number;
  rows: number;
}

export interface FileScan {
  findings: FindingSink;
  totalBytes: number;
  lines: number;
  records: number;
  valid: number;
  trainable: number;
  blank: number;
  /** First line of every rejected record (absolute). */
  skipped: number[];
  /** Metadata columns in order of first appearance. */
  columns: ColumnSeen[];
  looksLike: Record<string, number>;
  fatal: boolean;
  parts: Part[];
}

/** Below this size a JSONL file is scanned in process (a worker costs ~0.2 s to start). */
const WORKER_MIN_BYTES = 24 << 20;
const SNIFF_BYTES = 1 << 20;
/** Codes reported once per file even when several workers see them. */
const ONCE_PER_FILE = new Set(['crlf_line_endings', 'bare_cr_line_break', 'metadata_renamed', 'column_mapping']);

const workerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scan-worker.mjs');

/** Whether worker threads can be used here (the worker script ships beside this module). */
export function workersAvailable(): boolean {
  return fs.existsSync(workerScript);
}

function workerCount(opt: ScanFileOptions['workers'], size: number): number {
  if (typeof opt === 'number') return Math.max(1, Math.floor(opt));
  if (size < WORKER_MIN_BYTES || !workersAvailable()) return 1;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 8, Math.ceil(size / WORKER_MIN_BYTES)));
}

/** Splits [0, size) into n ranges that start at line starts. */
export async function splitAtLines(file: string, size: number, n: number): Promise<{ start: number; end: number }[]> {
  const cuts = [0];
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (let k = 1; k < n; k++) {
      let pos = Math.max(Math.floor((size * k) / n), cuts[cuts.length - 1]);
      let found = -1;
      while (pos < size && found < 0) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) break;
        const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
        if (nl >= 0) found = pos + nl + 1;
        else pos += bytesRead;
      }
      if (found < 0 || found >= size) break;
      if (found > cuts[cuts.length - 1]) cuts.push(found);
    }
  } finally {
    await fh.close();
  }
  return cuts.map((start, i) => ({ start, end: i + 1 < cuts.length ? cuts[i + 1] : size }));
}

interface RangeJob {
  start: number;
  end: number;
  isFileStart: boolean;
  /** Folder and file-name prefix of this range's intermediate parts; null to write none. */
  outDir: string | null;
  prefix: string;
  idsOnly: boolean;
}

function runWorker(file: string, config: ScanConfig, job: RangeJob, onProgress: (bytes: number, rows: number) => void, signal?: AbortSignal): Promise<ScanSummary> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerScript, { workerData: { file, config, job } });
    const abort = () => void w.terminate().then(() => reject(signal?.reason ?? new Error('aborted')));
    signal?.addEventListener('abort', abort, { once: true });
    w.on('message', (m: { type: 'progress'; bytes: number; rows: number } | { type: 'done'; summary: ScanSummary } | { type: 'error'; message: string; stack?: string }) => {
      if (m.type === 'progress') onProgress(m.bytes, m.rows);
      else if (m.type === 'done') resolve(m.summary);
      else reject(Object.assign(new Error(m.message), { stack: m.stack }));
    });
    w.on('error', reject);
    w.on('exit', (code) => {
      signal?.removeEventListener('abort', abort);
      if (code !== 0) reject(new Error(`scan worker exited with code ${code}`));
    });
  });
}

async function scanJsonl(opts: ScanFileOptions, size: number): Promise<ScanSummary[]> {
  const n = workerCount(opts.workers, size);
  const ranges = n > 1 ? await splitAtLines(opts.file, size, n) : [{ start: 0, end: size }];
  const done = new Array<number>(ranges.length).fill(0);
  const rows = new Array<number>(ranges.length).fill(0);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const report = () => opts.onProgress?.({ bytes: sum(done), totalBytes: size, rows: sum(rows) });
  const jobs: RangeJob[] = ranges.map((r, i) => ({ ...r, isFileStart: r.start === 0, outDir: opts.outDir, prefix: `part-${String(i).padStart(2, '0')}`, idsOnly: opts.idsOnly ?? false }));
  if (jobs.length === 1) {
    const job = jobs[0];
    const out = job.outDir ? new IntermediateWriter(job.outDir, job.prefix, job.idsOnly) : null;
    const state = new ScanState(opts.config, out);
    let parts: WrittenPart[] = [];
    try {
      await scanJsonlRange(state, opts.file, { ...job, signal: opts.signal, onBytes: (b) => ((done[0] = b), (rows[0] = state.valid), report()) });
    } finally {
      parts = out?.close() ?? [];
    }
    return [{ ...state.summary(), parts }];
  }
  return Promise.all(jobs.map((job, i) => runWorker(opts.file, opts.config, job, (b, r) => ((done[i] = b), (rows[i] = r), report()), opts.signal)));
}

export async function scanFile(opts: ScanFileOptions): Promise<FileScan> {
  const { size } = await fsp.stat(opts.file);
  const findings = new FindingSink(opts.config.keepPerCode ?? 200);
  const result: FileScan = { findings, totalBytes: size, lines: 0, records: 0, valid: 0, trainable: 0, blank: 0, skipped: [], columns: [], looksLike: {}, fatal: false, parts: [] };
  const fatal = (code: string, line: number | null, message: string, hint: string) => {
    findings.add({ severity: 'error', code, file: opts.config.file, line, column: line === null ? null : 1, path: '', message, hint });
    result.fatal = true;
    return result;
  };
  if (size === 0) return fatal('empty_file', null, 'the file is empty (0 bytes)', 'export the dataset again; nothing was written');
  const c = opts.detection.container;
  if (c !== 'parquet') {
    const head = await readStart(opts.file, SNIFF_BYTES);
    const enc = fileEncodingMessage(sniffFileEncoding(head));
    if (enc) return fatal(enc.code, 1, enc.message, enc.hint);
  }
  if (opts.detection.problem) {
    const p = opts.detection.problem;
    return fatal(p.code, p.line, p.message, p.hint);
  }

  let summaries: ScanSummary[];
  if (c === 'jsonl') summaries = await scanJsonl(opts, size);
  else {
    const out = opts.outDir ? new IntermediateWriter(opts.outDir, 'part-00', opts.idsOnly ?? false) : null;
    const state = new ScanState(opts.config, out);
    const progress = (bytes: number) => opts.onProgress?.({ bytes, totalBytes: size, rows: state.valid });
    let parts: WrittenPart[] = [];
    try {
      if (c === 'json-array') await scanJsonArray(state, opts.file, { onBytes: progress, signal: opts.signal });
      else if (c === 'json-document') await scanJsonDocument(state, opts.file);
      else if (c === 'csv') await scanCsv(state, opts.file, { mapping: opts.mapping, onProgress: progress, signal: opts.signal });
      else await scanParquet(state, opts.file, { mapping: opts.mapping, signal: opts.signal, onProgress: (rows) => opts.onProgress?.({ bytes: 0, totalBytes: size, rows }) });
    } finally {
      parts = out?.close() ?? [];
    }
    summaries = [{ ...state.summary(), parts }];
  }

  // Merge, shifting each range's lines by the lines before it.
  let offset = 0;
  const columns = new Map<string, ColumnSeen>();
  for (let i = 0; i < summaries.length; i++) {
    const s = summaries[i];
    findings.merge(s.sink, offset);
    result.records += s.records;
    result.valid += s.valid;
    result.trainable += s.trainable;
    result.blank += s.blank;
    result.fatal ||= s.fatal;
    for (const l of s.skipped) result.skipped.push(l + offset);
    for (const col of s.columns) {
      const prev = columns.get(col.name);
      if (!prev) columns.set(col.name, { ...col, firstLine: col.firstLine + offset });
      else for (const k of col.keys) if (!prev.keys.includes(k)) prev.keys.push(k);
    }
    for (const [k, n] of Object.entries(s.looksLike)) result.looksLike[k] = (result.looksLike[k] ?? 0) + n;
    for (const p of s.parts) result.parts.push({ path: p.path, lineOffset: offset, rows: p.rows });
    offset += s.lines;
  }
  result.lines = offset;
  result.columns = [...columns.values()].sort((a, b) => a.firstLine - b.firstLine);
  dedupeOnce(findings);
  fileLevelChecks(result, opts.config.file, opts.detection);
  return result;
}

async function readStart(file: string, bytes: number): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    // Cut at the last line end so a character split by the sample edge is not "invalid".
    const b = buf.subarray(0, bytesRead);
    const nl = bytesRead === bytes ? b.lastIndexOf(0x0a) : -1;
    return nl > 0 ? b.subarray(0, nl) : b;
  } finally {
    await fh.close();
  }
}

function dedupeOnce(sink: FindingSink): void {
  const seen = new Set<string>();
  for (let i = 0; i < sink.kept.length; i++) {
    const f = sink.kept[i];
    if (!ONCE_PER_FILE.has(f.code)) continue;
    const key = `${f.code}\0${f.path}`;
    if (seen.has(key)) {
      sink.kept.splice(i--, 1);
      const c = sink.counts.get(f.code);
      if (c) c.count--;
      if (f.severity === 'warning') sink.warnings--;
    } else seen.add(key);
  }
}

function fileLevelChecks(r: FileScan, file: string, d: Detection): void {
  const add = (severity: 'error' | 'warning', code: string, line: number | null, message: string, hint: string) => r.findings.add({ severity, code, file, line, column: null, path: '', message, hint });
  if (r.fatal) return;
  if (r.records === 0) {
    add('error', 'no_records', r.lines > 0 ? 1 : null, `the file holds no records${r.blank ? ` (${r.blank} blank line${r.blank === 1 ? '' : 's'})` : ''}`, 'the file has nothing to import');
    r.fatal = true;
    return;
  }
  const others = Object.entries(r.looksLike);
  if (others.length > 0) {
    add('warning', 'mixed_formats', null, `the file mixes formats: besides ${d.recordFormat}, ${others.map(([k, n]) => `${n} record${n === 1 ? ' looks' : 's look'} like ${k}`).join(', ')}`, 'keep one format per file; those records were rejected');
  }
  if (r.valid > 0 && r.valid < 10) add('warning', 'too_few_examples', null, `only ${r.valid} valid example${r.valid === 1 ? '' : 's'}`, 'OpenAI requires at least 10 examples to fine-tune; more (50-100+) usually help');
  if (r.valid > 0 && r.trainable === 0) add('warning', 'no_trainable_examples', null, 'no example has a trainable turn (every assistant message has weight 0)', 'training on this dataset would learn nothing; set weight 1 on the turns to learn');
}
