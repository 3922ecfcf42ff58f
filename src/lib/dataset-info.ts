/**
 * Datasets and their versions as the dataset pages show them, with lineage in words. Shared by
 * the server loads and the pages; no server imports.
 */
import type { ColumnInfo, Lineage } from '../engine/data/catalog.ts';

export type { ColumnInfo, Lineage };

export interface VersionInfo {
  version: number;
  key: string;
  rows: number;
  bytes: number;
  created_at: string;
  columns: ColumnInfo[];
  lineage: Lineage;
}

export interface DatasetSummary {
  name: string;
  /** The latest version. */
  version: number;
  versions: number;
  rows: number;
  bytes: number;
  created_at: string;
  lineage: Lineage;
}

/** Where a version came from, in a few words. */
export function lineageLabel(l: Lineage): string {
  switch (l.kind) {
    case 'import':
      return `imported from ${l.file.split(/[\\/]/).pop()} · ${l.format}`;
    case 'sql':
      return `saved from a SQL query${l.inputs.length ? ` over ${l.inputs.map((i) => `${i.name} v${i.version}`).join(', ')}` : ''}`;
    case 'stage':
      return `output of stage ${l.stage} (run ${l.run_id})`;
    case 'feedback':
      return `feedback from ${l.source}`;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatWhen(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}
