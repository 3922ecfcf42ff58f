/** Dataset URLs shared by pages and server routes. */

const base = (name: string) => `/api/datasets/${encodeURIComponent(name)}`;

/**
 * Where the app serves a dataset version's Parquet file. With a version the URL names immutable
 * content (versions are content-addressed), so browsers may cache it for good.
 */
export function parquetUrl(name: string, version?: number): string {
  return `${base(name)}/parquet${version === undefined ? '' : `?version=${version}`}`;
}

/** The version as a DuckDB database file (table `data`), which duckdb-wasm attaches and reads by ranges. */
export function browserDbUrl(name: string, version?: number): string {
  return `${base(name)}/duckdb${version === undefined ? '' : `?version=${version}`}`;
}

/** A dataset as pages list it: its latest version. */
export interface DatasetListItem {
  name: string;
  version: number;
  versions: number;
  rows: number;
  bytes: number;
  created_at: string;
  columns: { name: string; type: string }[];
  /** The latest version's Parquet, as served by the app. */
  parquet: string;
  /** The latest version for duckdb-wasm (see browserDbUrl). */
  browserDb: string;
}
