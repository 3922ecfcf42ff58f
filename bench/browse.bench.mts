/**
 * Conversation-viewer paging at a million rows: a page of 200 grid rows, a whole row, and a
 * search, served from the version's DuckDB copy (row-number seek, src/lib/server/browse.ts)
 * against the peer, the Parquet file read with a `file_row_number` range (row-group skipping),
 * measured side by side on the same version.
 *
 *   node --import tsx bench/browse.bench.mts [--rows N] [--pages N] [--workspace DIR --dataset NAME]
 *
 * Without --workspace, the data is made by ../shared/datasets/make_scale.mjs from banking77 into
 * bench/out/ and imported once (both are reused by later runs); the DuckDB copy is built once and
 * its build time printed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWorkspace } from '../src/engine/workspace.ts';
import { importDataset } from '../src/engine/data/import.ts';
import { readCatalog } from '../src/engine/data/catalog.ts';
import { ensureBrowserDb, browserDbDir } from '../src/lib/server/browser-db.ts';
import { pageRows, readRow, searchRows } from '../src/lib/server/browse.ts';
import { findVersion } from '../src/lib/server/dataset-version.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ROWS = Number(flag('rows') ?? 1_000_000);
const PAGES = Number(flag('pages') ?? 40);
const shared = process.env.TUNEBENCH_SHARED ?? path.join(here, '..', '..', 'shared');

async function workspace(): Promise<{ dir: string; name: string }> {
  const given = flag('workspace');
  if (given) return { dir: path.resolve(given), name: flag('dataset') ?? 'b77' };
  const out = path.join(here, 'out');
  const tag = ROWS === 1_000_000 ? '1m' : String(ROWS);
  const data = path.join(out, `browse-${tag}.chat.jsonl`);
  const dir = path.join(out, `browse-bench-${tag}`);
  fs.mkdirSync(out, { recursive: true });
  if (!fs.existsSync(data)) {
    console.log(`making ${ROWS} rows with make_scale.mjs …`);
    execFileSync(process.execPath, [path.join(shared, 'datasets', 'make_scale.mjs'), '--in', path.join(shared, 'datasets', 'banking77.chat.jsonl'), '--out', data, '--rows', String(ROWS)], { stdio: 'inherit' });
  }
  const ws = await openWorkspace(dir, { create: true });
  if (!(await readCatalog(ws)).datasets.b77) {
    console.log('importing …');
    const r = await importDataset(ws, data, { name: 'b77' });
    if (!r.ok) throw new Error(r.message);
  }
  return { dir, name: 'b77' };
}

function stats(ms: number[]): { median: number; p90: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p90: at(0.9), max: s[s.length - 1] };
}

async function time<T>(fn: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const { dir, name } = await workspace();
const ws = await openWorkspace(dir);
const { version: v, file } = await findVersion(ws, name);
console.log(`${name} v${v.version}: ${v.rows.toLocaleString('en-US')} rows, Parquet ${(v.bytes / 1024 / 1024).toFixed(1)} MB`);

const indexFile = path.join(browserDbDir(ws), `${v.key}.duckdb`);
if (!fs.existsSync(indexFile)) {
  const ms = await time(() => ensureBrowserDb(ws, v.key, file));
  console.log(`built the DuckDB copy in ${(ms / 1000).toFixed(1)} s (${(fs.statSync(indexFile).size / 1024 / 1024).toFixed(0)} MB), once per version`);
}

// The same random offsets for both; each approach warmed up with one page first.
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const offsets = Array.from({ length: PAGES }, () => Math.floor(rand() * (v.rows - 200)));
const rowsAt = offsets.slice(0, 10).map((o) => o + 17);

const result: Record<string, { page: ReturnType<typeof stats>; row: ReturnType<typeof stats> }> = {};
for (const prefer of ['auto', 'parquet'] as const) {
  await pageRows(ws, v, file, { offset: 0, limit: 200, prefer });
  const page: number[] = [];
  for (const o of offsets) page.push(await time(() => pageRows(ws, v, file, { offset: o, limit: 200, prefer })));
  const row: number[] = [];
  for (const i of rowsAt) row.push(await time(() => readRow(ws, v, file, i, prefer)));
  result[prefer === 'auto' ? 'duckdb copy (ours)' : 'parquet file_row_number (peer)'] = { page: stats(page), row: stats(row) };
}
for (const [k, r] of Object.entries(result)) {
  console.log(`${k.padEnd(32)} page of 200: median ${r.page.median.toFixed(1)} ms, p90 ${r.page.p90.toFixed(1)} ms, max ${r.page.max.toFixed(1)} ms · whole row: median ${r.row.median.toFixed(1)} ms`);
}
const [ours, peer] = Object.values(result);
console.log(`ratio (peer / ours): page median ${(peer.page.median / ours.page.median).toFixed(1)}×, p90 ${(peer.page.p90 / ours.page.p90).toFixed(1)}×, whole row ${(peer.row.median / ours.row.median).toFixed(1)}×`);

const first = await time(() => searchRows(ws, v, file, 'refund'));
const hits = await searchRows(ws, v, file, 'refund');
const cached = await time(() => pageRows(ws, v, file, { offset: Math.floor(hits.length / 2), limit: 200, q: 'refund' }));
console.log(`search 'refund': ${hits.length.toLocaleString('en-US')} matches in ${(first / 1000).toFixed(2)} s (first time); a page of matches afterwards ${cached.toFixed(1)} ms`);
