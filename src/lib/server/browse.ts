/**
 * Paging through a dataset version for the conversation viewer, fast at a million rows.
 *
 * The stable order is the version's file order: row number `i` (0-based). Two ways to seek:
 *  - the version's DuckDB copy (browser-db.ts, the file the SQL page also uses), attached
 *    read-only: `rowid` is the file order and DuckDB seeks to it (a page in ~5–40 ms at 1M rows);
 *  - the Parquet file with `file_row_number`, whose range filter skips whole row groups but
 *    decodes the one it lands in (~130 ms a page at 1M rows, ~125k-row groups).
 * A big version is served from Parquet until its copy exists; the first page starts building it
 * in the background. Searches (case-insensitive substring of user or assistant text) are run
 * once per query and version; their row numbers are kept (LRU) so paging a result is a seek.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { DatasetVersion } from '../../engine/data/catalog.ts';
import { sqlIdent, sqlString } from '../../engine/data/duckdb.ts';
import { RESERVED_COLUMNS } from '../../engine/data/schema.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { BROWSER_TABLE, browserDbDir, ensureBrowserDb } from './browser-db.ts';
import type { BrowsePage, BrowseRow, FullRow } from '$lib/dataset-rows';

/** From this many rows on, a version gets its DuckDB copy built for browsing. */
export const INDEX_MIN_ROWS = 50_000;
export const MAX_PAGE = 1000;
const PREVIEW_CHARS = 160;
const SEARCH_CACHE = 8;

let instance: Promise<DuckDBInstance> | undefined;
const attached = new Map<string, Promise<string>>();
const building = new Map<string, Promise<unknown>>();
const searches = new Map<string, Promise<Uint32Array>>();

function db(): Promise<DuckDBInstance> {
  instance ??= DuckDBInstance.create(':memory:', { threads: '2' }).catch((e) => {
    instance = undefined;
    throw e;
  });
  return instance;
}

async function withConn<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const c = await (await db()).connect();
  try {
    return await fn(c);
  } finally {
    c.closeSync();
  }
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

async function rowsOf<T>(c: DuckDBConnection, sql: string, values?: string[]): Promise<T[]> {
  const r = await c.runAndReadAll(sql, values);
  return r.getRowObjectsJS().map((row) => plain(row) as T);
}

/** Where rows are read from: a relation and its row-number column. */
interface Source {
  rel: string;
  idx: string;
  kind: BrowsePage['source'];
}

function indexFile(ws: Workspace, v: DatasetVersion): string {
  return path.join(browserDbDir(ws), `${v.key}.duckdb`);
}

async function attach(key: string, file: string): Promise<string> {
  let p = attached.get(key);
  if (!p) {
    const alias = `browse_${key.slice(0, 24)}`;
    p = withConn(async (c) => {
      await c.run(`ATTACH IF NOT EXISTS ${sqlString(file)} AS ${sqlIdent(alias)} (READ_ONLY)`);
      return alias;
    });
    p.catch(() => attached.delete(key));
    attached.set(key, p);
  }
  return p;
}

/** Starts building the version's DuckDB copy once (errors are logged: Parquet keeps serving). */
function buildIndex(ws: Workspace, v: DatasetVersion, parquet: string): void {
  if (building.has(v.key)) return;
  const p = ensureBrowserDb(ws, v.key, parquet).catch((e) => console.error(`tunebench: building the browse index of ${parquet} failed:`, e));
  building.set(v.key, p);
}

/** `parquet` forces the Parquet path (benchmarks compare the two). */
export type SourcePreference = 'auto' | 'parquet';

async function sourceFor(ws: Workspace, v: DatasetVersion, parquet: string, prefer: SourcePreference = 'auto'): Promise<Source> {
  const file = indexFile(ws, v);
  if (prefer === 'parquet') return { rel: `read_parquet(${sqlString(parquet)}, file_row_number = true)`, idx: 'file_row_number', kind: 'parquet' };
  if (fs.existsSync(file)) {
    try {
      return { rel: `${sqlIdent(await attach(v.key, file))}.${BROWSER_TABLE}`, idx: 'rowid', kind: 'index' };
    } catch (e) {
      console.error(`tunebench: cannot open ${file}, reading the Parquet file instead:`, e);
    }
  } else if (v.rows >= INDEX_MIN_ROWS) buildIndex(ws, v, parquet);
  return { rel: `read_parquet(${sqlString(parquet)}, file_row_number = true)`, idx: 'file_row_number', kind: 'parquet' };
}

/** Waits for a background index build of this version, if one runs (tests, benchmarks). */
export async function indexBuilt(v: DatasetVersion): Promise<void> {
  await building.get(v.key);
}

function metaColumns(v: DatasetVersion): string[] {
  return v.columns.filter((c) => !RESERVED_COLUMNS.has(c.name)).map((c) => c.name);
}

function has(v: DatasetVersion, col: string): boolean {
  return v.columns.some((c) => c.name === col);
}

function col(v: DatasetVersion, name: string, expr = sqlIdent(name)): string {
  return has(v, name) ? expr : 'NULL';
}

function gridSelect(v: DatasetVersion, src: Source): string {
  const meta = metaColumns(v).map((m, k) => `CAST(${sqlIdent(m)} AS VARCHAR) AS ${sqlIdent(`m${k}`)}`);
  return [
    `${src.idx} AS i`,
    `${col(v, 'source_line')} AS source_line`,
    `${col(v, 'turns')} AS turns`,
    `${col(v, 'chars')} AS chars`,
    `${col(v, 'user_text', `left(user_text, ${PREVIEW_CHARS})`)} AS u`,
    `${col(v, 'assistant_text', `left(assistant_text, ${PREVIEW_CHARS})`)} AS a`,
    ...meta
  ].join(', ');
}

type RawGridRow = { i: number; source_line: number | null; turns: number | null; chars: number | null; u: string | null; a: string | null } & Record<string, unknown>;

function toBrowseRow(r: RawGridRow, meta: string[]): BrowseRow {
  return {
    i: r.i,
    source_line: r.source_line,
    turns: r.turns,
    chars: r.chars,
    user: r.u ?? '',
    assistant: r.a ?? '',
    meta: Object.fromEntries(meta.map((m, k) => [m, (r[`m${k}`] as string | null) ?? null]))
  };
}

/** Row numbers whose user or assistant text contains `q` (any case), in file order. */
export async function searchRows(ws: Workspace, v: DatasetVersion, parquet: string, q: string): Promise<Uint32Array> {
  const needle = q.toLowerCase();
  const key = `${v.key}\0${needle}`;
  let p = searches.get(key);
  if (p) {
    searches.delete(key);
    searches.set(key, p); // most recently used last
    return p;
  }
  p = (async () => {
    const src = await sourceFor(ws, v, parquet);
    const texts = ['user_text', 'assistant_text'].filter((c) => has(v, c)).map((c) => `contains(lower(${sqlIdent(c)}), $1)`);
    if (!texts.length) return new Uint32Array(0);
    const rows = await withConn((c) => rowsOf<{ i: number }>(c, `SELECT ${src.idx} AS i FROM ${src.rel} WHERE ${texts.join(' OR ')} ORDER BY 1`, [needle]));
    return Uint32Array.from(rows, (r) => r.i);
  })();
  p.catch(() => searches.delete(key));
  searches.set(key, p);
  while (searches.size > SEARCH_CACHE) searches.delete(searches.keys().next().value!);
  return p;
}

/** `limit` rows from position `offset` of the version (or of a search's matches). */
export async function pageRows(ws: Workspace, v: DatasetVersion, parquet: string, opts: { offset: number; limit: number; q?: string | null; prefer?: SourcePreference }): Promise<BrowsePage> {
  const limit = Math.max(0, Math.min(MAX_PAGE, Math.floor(opts.limit)));
  const offset = Math.max(0, Math.floor(opts.offset));
  const meta = metaColumns(v);
  const q = opts.q?.trim();
  const src = await sourceFor(ws, v, parquet, opts.prefer);
  let total = v.rows;
  let where: string;
  if (q) {
    const hits = await searchRows(ws, v, parquet, q);
    total = hits.length;
    const ids = Array.from(hits.subarray(offset, offset + limit));
    if (!ids.length) return { total, offset, rows: [], source: src.kind };
    // A range first lets the Parquet reader skip row groups; the list picks the exact rows.
    where = `${src.idx} BETWEEN ${ids[0]} AND ${ids[ids.length - 1]} AND ${src.idx} IN (${ids.join(', ')})`;
  } else {
    if (offset >= total || limit === 0) return { total, offset, rows: [], source: src.kind };
    where = `${src.idx} >= ${offset} AND ${src.idx} < ${offset + limit}`;
  }
  const raw = await withConn((c) => rowsOf<RawGridRow>(c, `SELECT ${gridSelect(v, src)} FROM ${src.rel} WHERE ${where} ORDER BY ${src.idx}`));
  return { total, offset, rows: raw.map((r) => toBrowseRow(r, meta)), source: src.kind };
}

/** The whole row at position `i`, or null past the end. */
export async function readRow(ws: Workspace, v: DatasetVersion, parquet: string, i: number, prefer: SourcePreference = 'auto'): Promise<FullRow | null> {
  if (!Number.isInteger(i) || i < 0 || i >= v.rows) return null;
  const src = await sourceFor(ws, v, parquet, prefer);
  const [r] = await withConn((c) => rowsOf<Record<string, unknown>>(c, `SELECT * FROM ${src.rel} WHERE ${src.idx} = ${i}`));
  if (!r) return null;
  const num = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : null);
  const str = (k: string) => (r[k] === null || r[k] === undefined ? null : String(r[k]));
  return {
    i,
    conversation_id: str('conversation_id'),
    messages: (Array.isArray(r.messages) ? r.messages : []) as FullRow['messages'],
    tools: str('tools'),
    meta: Object.fromEntries(metaColumns(v).map((m) => [m, r[m] === null || r[m] === undefined ? null : typeof r[m] === 'string' ? (r[m] as string) : JSON.stringify(r[m])])),
    source_file: str('source_file'),
    source_line: num('source_line'),
    turns: num('turns'),
    chars: num('chars'),
    tokens: num('tokens')
  };
}

/** Positions of the rows that start at `line` of their source file (a finding's line). */
export async function rowsAtLine(ws: Workspace, v: DatasetVersion, parquet: string, line: number, sourceFile?: string | null): Promise<number[]> {
  if (!has(v, 'source_line') || !Number.isInteger(line)) return [];
  const src = await sourceFor(ws, v, parquet);
  const byFile = sourceFile && has(v, 'source_file') ? ` AND source_file = $1` : '';
  const rows = await withConn((c) => rowsOf<{ i: number }>(c, `SELECT ${src.idx} AS i FROM ${src.rel} WHERE source_line = ${line}${byFile} ORDER BY 1 LIMIT 20`, byFile ? [sourceFile!] : undefined));
  return rows.map((r) => r.i);
}
