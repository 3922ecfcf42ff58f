/**
 * The dataset catalog: named datasets, each a list of immutable versions. A version points at a
 * content-addressed Parquet file in .tunebench/data/. The catalog file is small JSON, rewritten
 * atomically under a lock, and carries a format number.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../workspace.ts';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import { withLock } from '../util/lock.ts';

export const CATALOG_FORMAT = 1;

export interface ColumnInfo {
  name: string;
  /** DuckDB type, e.g. VARCHAR, INTEGER, STRUCT(...)[] */
  type: string;
}

/** Where a version came from: an import of a file, a SQL query, or a pipeline stage. */
export type Lineage =
  | { kind: 'import'; file: string; sha256: string; format: string; options: Record<string, unknown>; skipped_lines?: number[] }
  | { kind: 'sql'; query: string; inputs: { name: string; version: number }[] }
  | { kind: 'stage'; run_id: string; stage: string; cache_key: string }
  | { kind: 'feedback'; source: string };

export interface DatasetVersion {
  version: number;
  /** Content key: sha256 over what determines the file's content (source bytes + options + engine version). */
  key: string;
  /** Path of the Parquet file, relative to .tunebench/ */
  file: string;
  rows: number;
  bytes: number;
  columns: ColumnInfo[];
  created_at: string;
  lineage: Lineage;
}

export interface DatasetEntry {
  name: string;
  versions: DatasetVersion[];
}

export interface Catalog {
  format: number;
  datasets: Record<string, DatasetEntry>;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Dataset names are SQL identifiers (they become table names). */
export function validateDatasetName(name: string): string | null {
  if (!NAME_RE.test(name)) return `dataset name '${name}' must start with a letter or _ and use only letters, digits and _ (at most 64)`;
  const reserved = ['messages', 'datasets', 'runs', 'metrics', 'events', 'stages'];
  if (reserved.includes(name.toLowerCase())) return `dataset name '${name}' is reserved (it names a built-in view)`;
  return null;
}

/** A default dataset name from a file name: `support.chat.jsonl` → `support_chat`. */
export function datasetNameFromFile(file: string): string {
  let base = path.basename(file).replace(/\.(jsonl|ndjson|json|csv|tsv|parquet)$/i, '');
  base = base.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[A-Za-z_]/.test(base)) base = `d_${base}`;
  base = base.slice(0, 64) || 'dataset';
  return validateDatasetName(base) ? `${base}_data` : base;
}

export async function readCatalog(ws: Workspace): Promise<Catalog> {
  let text: string;
  try {
    text = await fsp.readFile(ws.catalogPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { format: CATALOG_FORMAT, datasets: {} };
    throw e;
  }
  const cat = JSON.parse(text) as Catalog;
  if (cat.format > CATALOG_FORMAT) throw new Error(`${ws.catalogPath}: written by a newer tunebench (catalog format ${cat.format})`);
  return cat;
}

/** Read-modify-write of the catalog under the workspace lock. */
export async function updateCatalog<T>(ws: Workspace, fn: (cat: Catalog) => T | Promise<T>): Promise<T> {
  return withLock(path.join(ws.dir, 'catalog.lock'), async () => {
    const cat = await readCatalog(ws);
    const result = await fn(cat);
    await writeJsonAtomic(ws.catalogPath, cat);
    return result;
  });
}

export function latestVersion(entry: DatasetEntry): DatasetVersion {
  return entry.versions[entry.versions.length - 1];
}

/** Resolves `name` or `name@version` to a version, or explains what exists. */
export function resolveDataset(cat: Catalog, ref: string): { entry: DatasetEntry; version: DatasetVersion } | { error: string } {
  const m = /^([^@]+)(?:@(\d+))?$/.exec(ref);
  const name = m?.[1] ?? ref;
  const entry = cat.datasets[name];
  if (!entry) {
    const names = Object.keys(cat.datasets);
    return { error: `no dataset named '${name}'${names.length ? ` (datasets: ${names.join(', ')})` : ' (the workspace has no datasets yet: tunebench import FILE)'}` };
  }
  if (m?.[2]) {
    const v = entry.versions.find((x) => x.version === Number(m[2]));
    if (!v) return { error: `dataset '${name}' has no version ${m[2]} (versions: ${entry.versions.map((x) => x.version).join(', ')})` };
    return { entry, version: v };
  }
  return { entry, version: latestVersion(entry) };
}

export function versionPath(ws: Workspace, v: DatasetVersion): string {
  return path.join(ws.dir, v.file);
}
