/**
 * The two doors into a workspace's data: importDataset() (validate, convert to the canonical
 * table, store a content-addressed Parquet version, catalog it) and validateFile() (the same
 * reading and checks, nothing stored). The CLI, the web upload and the /v1/files endpoint call
 * these and nothing below them.
 *
 * Guarantees: an import streams the file (bounded memory); a failed import leaves the workspace
 * as it was (its work happens in .tunebench/tmp and is removed; the catalog is written last);
 * re-importing identical bytes with identical options into the same name is a no-op.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { datasetNameFromFile, latestVersion, readCatalog, validateDatasetName, type DatasetVersion } from './catalog.ts';
import { addVersion } from './versions.ts';
import { detectFormat, type Detection } from './formats/detect.ts';
import type { FormatName } from './formats/types.ts';
import { defaultScanConfig, type ColumnSeen } from './import/scan-state.ts';
import { scanFile, type FileScan, type Part } from './import/scan.ts';
import { findDuplicates, partsRelation, writeCanonicalParquet } from './import/write-parquet.ts';
import { makeWorkDir } from './import/workdir.ts';
import type { Finding, FindingSink, Severity } from './validate/finding.ts';
import { sqlString } from './duckdb.ts';
import type { Workspace } from '../workspace.ts';
import { sweepDeadTemps, tempPathFor } from '../util/atomic-write.ts';
import { ENGINE_VERSION } from '../version.ts';

export interface Progress {
  bytes: number;
  totalBytes: number;
  rows: number;
}

export interface ReadOptions {
  /** Override auto-detection. */
  format?: FormatName;
  /** Column mapping for CSV / Parquet: target → source column (see formats/mapping.ts). */
  mapping?: Record<string, string>;
  /** Flag top-level keys OpenAI's fine-tuning API rejects (warnings). */
  strictOpenai?: boolean;
  /** Records longer than this are rejected (default 1 MiB). */
  maxRecordBytes?: number;
  /** Worker threads for JSON Lines ('auto' by size and cores; 1 = in process). */
  workers?: number | 'auto';
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface ImportOptions extends ReadOptions {
  name?: string;
  /** Import the valid records and report the rejected ones, instead of failing. */
  skipInvalid?: boolean;
}

export interface Report {
  file: string;
  detection: Detection;
  /** Kept findings, by line (at most a few hundred per code; `counts` has every one). */
  findings: Finding[];
  counts: Record<string, { severity: Severity; count: number }>;
  errors: number;
  warnings: number;
  lines: number;
  records: number;
  valid: number;
  /** First line of each rejected record. */
  skippedLines: number[];
  duplicates: number;
}

export interface ImportResult extends Report {
  ok: boolean;
  name: string;
  /** created: first version; versioned: a new version; unchanged: identical to the latest; failed. */
  status: 'created' | 'versioned' | 'unchanged' | 'failed';
  version: DatasetVersion | null;
  rows: number;
  /** One sentence for people. */
  message: string;
  elapsedMs: number;
  /** Milliseconds per phase (hash, scan, convert, duplicates), for --verbose and benchmarks. */
  phases: Record<string, number>;
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 << 20);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}

function reportFrom(file: string, detection: Detection, scan: FileScan | null, duplicates = 0): Report {
  const sink = scan?.findings;
  return {
    file,
    detection,
    findings: sink ? sink.sorted() : [],
    counts: sink ? Object.fromEntries(sink.counts) : {},
    errors: sink?.errors ?? 0,
    warnings: sink?.warnings ?? 0,
    lines: scan?.lines ?? 0,
    records: scan?.records ?? 0,
    valid: scan?.valid ?? 0,
    skippedLines: scan?.skipped ?? [],
    duplicates
  };
}

function addDuplicateFindings(sink: FindingSink, file: string, dups: Awaited<ReturnType<typeof findDuplicates>>): void {
  let reported = 0;
  for (const g of dups.groups) {
    for (const line of g.repeats) {
      sink.add({ severity: 'warning', code: 'duplicate_example', file, line, column: null, path: '', message: `the same conversation as line ${g.first}`, hint: 'exact duplicates over-weight an example; remove them (a pipeline `dedupe exact` stage does)' });
      reported++;
    }
  }
  // Duplicates beyond the listed groups are counted without objects.
  const rest = dups.total - reported;
  if (rest > 0) {
    const c = sink.counts.get('duplicate_example');
    if (c) c.count += rest;
    else sink.counts.set('duplicate_example', { severity: 'warning', count: rest });
    sink.warnings += rest;
  }
}

/** Metadata columns that differ only in case clash in SQL: later ones get a suffix. */
function caseCollisions(columns: ColumnSeen[]): Record<string, string> | null {
  const byLower = new Map<string, ColumnSeen[]>();
  for (const c of columns) {
    const k = c.name.toLowerCase();
    byLower.set(k, [...(byLower.get(k) ?? []), c]);
  }
  const fixed: Record<string, string> = {};
  let any = false;
  const taken = new Set(columns.map((c) => c.name.toLowerCase()));
  for (const group of byLower.values()) {
    if (group.length < 2) continue;
    any = true;
    group.sort((a, b) => a.firstLine - b.firstLine);
    for (let i = 1; i < group.length; i++) {
      let n = i + 1;
      while (taken.has(`${group[i].name}_${n}`.toLowerCase())) n++;
      const name = `${group[i].name}_${n}`;
      taken.add(name.toLowerCase());
      for (const key of group[i].keys) fixed[key] = name;
    }
  }
  return any ? fixed : null;
}

async function scan(file: string, display: string, detection: Detection, opts: ReadOptions, outDir: string | null, fixed?: Record<string, string>, signal = opts.signal, idsOnly = false): Promise<FileScan> {
  const config = defaultScanConfig(display, detection.recordFormat, {
    strictOpenai: opts.strictOpenai ?? false,
    mapped: detection.container === 'csv' || detection.container === 'parquet',
    ...(opts.maxRecordBytes ? { maxRecordBytes: opts.maxRecordBytes } : {}),
    ...(fixed ? { fixedColumns: fixed, forceCanonical: true } : {})
  });
  return scanFile({ file, detection, config, mapping: opts.mapping, outDir, idsOnly, workers: opts.workers, onProgress: opts.onProgress, signal });
}

/** Validates a file without storing anything (tunebench validate, web upload, /v1/files). */
export async function validateFile(file: string, opts: ReadOptions & { tmpDir?: string; displayName?: string } = {}): Promise<Report> {
  const abs = path.resolve(file);
  await fsp.access(abs, fs.constants.R_OK).catch(() => {
    throw new Error(`cannot read ${file}: no such file or no permission`);
  });
  const display = opts.displayName ?? path.basename(abs);
  const detection = await detectFormat(abs, opts.format);
  const tmp = await makeWorkDir(opts.tmpDir ?? os.tmpdir(), 1 << 20);
  try {
    const s = await scan(abs, display, detection, opts, tmp, undefined, opts.signal, true);
    let dups = 0;
    if (!s.fatal && s.parts.length > 0) {
      const d = await findDuplicates(partsRelation(s.parts, [], false, (opts.maxRecordBytes ?? 1 << 20) * 2 + 4096), 'i', 'l');
      addDuplicateFindings(s.findings, display, d);
      dups = d.total;
    }
    return reportFrom(display, detection, s, dups);
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
}

function lineageFile(ws: Workspace, abs: string): string {
  const rel = path.relative(ws.root, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

export async function importDataset(ws: Workspace, file: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const started = Date.now();
  const abs = path.resolve(file);
  const stat = await fsp.stat(abs).catch(() => null);
  if (!stat || !stat.isFile()) throw new Error(`cannot read ${file}: no such file`);
  const name = opts.name ?? datasetNameFromFile(abs);
  const bad = validateDatasetName(name);
  if (bad) throw new Error(bad);
  const display = path.basename(abs);
  const phases: Record<string, number> = {};
  let mark = Date.now();
  const phase = (name: string) => {
    const now = Date.now();
    phases[name] = now - mark;
    mark = now;
  };
  const detection = await detectFormat(abs, opts.format);
  const finish = (r: Omit<ImportResult, 'elapsedMs' | 'name' | 'phases'>): ImportResult => ({ ...r, name, elapsedMs: Date.now() - started, phases });
  // Half-written Parquet files of imports killed mid-write (their process is gone).
  await sweepDeadTemps(ws.dataDir);
  // The intermediate NDJSON is about twice the size of a JSON Lines input.
  const work = await makeWorkDir(ws.tmpDir, stat.size * 2);
  // A big file is hashed while the scan already runs (the scan is thrown away when the hash says
  // the import is a no-op): hashing 500 MB first would add its time to every import.
  const speculate = new AbortController();
  const onAbort = () => speculate.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const early = stat.size >= SPECULATIVE_SCAN_BYTES ? scan(abs, display, detection, opts, work, undefined, speculate.signal) : null;
  early?.catch(() => {});
  const cancelEarly = async () => {
    if (!early) return;
    speculate.abort(new Error('import is a no-op'));
    await early.catch(() => {});
  };
  let committed = false;
  let key = '';
  const target = () => path.join(ws.dataDir, `${key}.parquet`);
  try {
    const sha = await sha256File(abs);
    phase('hash');
    const options = { format: opts.format ?? null, mapping: opts.mapping ?? null, skipInvalid: opts.skipInvalid ?? false, maxRecordBytes: opts.maxRecordBytes ?? null };
    key = createHash('sha256')
      .update(JSON.stringify({ sha256: sha, detected: [detection.recordFormat, detection.container], options, source_file: display, engine: ENGINE_VERSION }))
      .digest('hex');

    // No-op: the latest version of this name came from the same bytes and options.
    const cat = await readCatalog(ws);
    const entry = cat.datasets[name];
    if (entry && latestVersion(entry).key === key) {
      await cancelEarly();
      const v = latestVersion(entry);
      return finish({ ...reportFrom(display, detection, null), ok: true, status: 'unchanged', version: v, rows: v.rows, valid: v.rows, message: `${name} is unchanged (v${v.version}, ${v.rows} rows): same bytes and options as before` });
    }

    const lineage = (skipped: number[]) => ({
      kind: 'import' as const,
      file: lineageFile(ws, abs),
      sha256: sha,
      format: `${detection.format}${detection.container === 'csv' || detection.container === 'parquet' ? '' : ` (${detection.container})`}`,
      options,
      ...(skipped.length ? { skipped_lines: skipped.slice(0, 1000) } : {})
    });
    const add = (v: Omit<DatasetVersion, 'version' | 'created_at'>) => addVersion(ws, name, v);

    // The same content under another name (or an older version): reuse its file.
    const same = Object.values(cat.datasets).flatMap((e) => e.versions).find((v) => v.key === key);
    if (same && fs.existsSync(target())) {
      await cancelEarly();
      const { version, status } = await add({ key, file: same.file, rows: same.rows, bytes: same.bytes, columns: same.columns, lineage: same.lineage });
      return finish({ ...reportFrom(display, detection, null), ok: true, status, version, rows: version.rows, valid: version.rows, message: `${name} v${version.version}: ${version.rows} rows (same content as an earlier import, file reused)` });
    }

    let s = await (early ?? scan(abs, display, detection, opts, work));
    phase('scan');
    const fail = (why: string): ImportResult => finish({ ...reportFrom(display, detection, s), ok: false, status: 'failed', version: null, rows: 0, message: why });
    if (s.fatal) return fail(`${display} was not imported: ${firstError(s)}`);
    if (s.findings.errors > 0 && !opts.skipInvalid) return fail(`${display} was not imported: ${s.skipped.length} record${s.skipped.length === 1 ? '' : 's'} with errors (fix them, or pass --skip-invalid to import the ${s.valid} valid ones)`);
    if (s.valid === 0) return fail(`${display} was not imported: no valid records`);
    const fixed = caseCollisions(s.columns);
    if (fixed) {
      await fsp.rm(work, { recursive: true, force: true });
      await fsp.mkdir(work, { recursive: true });
      s = await scan(abs, display, detection, opts, work, fixed);
    }
    opts.signal?.throwIfAborted();
    const metadata = s.columns.map((c) => c.name);
    const tmpTarget = tempPathFor(target());
    let written;
    try {
      written = await writeCanonicalParquet(s.parts, metadata, display, tmpTarget, opts.maxRecordBytes ?? 1 << 20, conversionGroups(s), opts.signal);
      phase('convert');
      const dups = await findDuplicates(`read_parquet(${sqlString(tmpTarget)})`, 'conversation_id', 'source_line');
      phase('duplicates');
      addDuplicateFindings(s.findings, display, dups);
      opts.signal?.throwIfAborted();
      await fsp.rename(tmpTarget, target());
      committed = true;
    } finally {
      await fsp.rm(tmpTarget, { force: true });
    }
    const bytes = (await fsp.stat(target())).size;
    const { version, status } = await add({ key, file: path.relative(ws.dir, target()).split(path.sep).join('/'), rows: written.rows, bytes, columns: written.columns, lineage: lineage(s.skipped) });
    const report = reportFrom(display, detection, s);
    const skippedNote = s.skipped.length ? `, ${s.skipped.length} invalid record${s.skipped.length === 1 ? '' : 's'} skipped` : '';
    return finish({ ...report, duplicates: s.findings.counts.get('duplicate_example')?.count ?? 0, ok: true, status, version, rows: written.rows, message: `${name} v${version.version}: ${written.rows} rows imported from ${display}${skippedNote}` });
  } catch (e) {
    // Leave nothing behind: a file committed but not catalogued is removed unless a version uses it.
    if (committed) {
      const now = await readCatalog(ws);
      const used = Object.values(now.datasets).some((d) => d.versions.some((v) => v.key === key));
      if (!used) await fsp.rm(target(), { force: true });
    }
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await cancelEarly();
    await fsp.rm(work, { recursive: true, force: true });
  }
}

/** From this size on, the scan starts before the file's hash is known (see importDataset). */
const SPECULATIVE_SCAN_BYTES = 16 << 20;

/** Parallel conversion pays off only for big inputs; one group per core (at most 4). */
function conversionGroups(s: FileScan): number {
  if (s.valid < 100_000) return 1;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 4, Math.ceil(s.valid / 100_000)));
}

function firstError(s: FileScan): string {
  const e = s.findings.sorted().find((f) => f.severity === 'error');
  if (!e) return 'unknown error';
  return `${e.line !== null ? `line ${e.line}: ` : ''}${e.message}`;
}
