/**
 * What the checker needs to know about the world, and how it asks. The checker does no I/O: a
 * first check() with empty Facts returns `needs` (dataset schemas, file sources, models, SQL
 * snippets to validate); the caller (CLI, web server, browser) fetches them and calls check()
 * again. SQL needs appear only once the schemas they run against are known, so a caller loops
 * until no new needs appear (see resolveFacts in index.ts). Missing facts never produce errors:
 * the checks that depend on them are skipped and the need is listed.
 */
import type { Span } from './spans.ts';

export interface ColumnFact {
  name: string;
  /** DuckDB type, e.g. VARCHAR, INTEGER, STRUCT(...)[] */
  type: string;
}

export type DatasetFact =
  | { ok: true; columns: ColumnFact[]; version?: number; rows?: number }
  /** Not found: `available` lists dataset names (or `versions` the versions of a found name). */
  | { ok: false; message?: string; available?: string[]; versions?: number[] };

export interface ModelFact {
  /** The name pipelines use: `base "NAME"` */
  name: string;
  /** config.json model_type: llama, gpt2, ... (null when unknown) */
  arch: string | null;
  path?: string;
}

/** DuckDB's verdict on a `sql "..."` snippet; `offset` is relative to the snippet text. */
export type SqlFact = { ok: true } | { ok: false; message: string; offset: number | null; hints?: string[] };

export interface Facts {
  /** Workspace datasets by `name` or `name@version` (DatasetNeed.key). */
  datasets?: Record<string, DatasetFact>;
  /** File sources by FileNeed.key. */
  files?: Record<string, DatasetFact>;
  /** Known base models; undefined = not asked yet (model names are then not checked). */
  models?: ModelFact[];
  /** SQL snippet verdicts by SqlNeed.key. */
  sql?: Record<string, SqlFact>;
}

export interface DatasetNeed {
  key: string;
  name: string;
  version: number | null;
  span: Span;
}

export interface FileNeed {
  key: string;
  /** As written; relative to the workspace folder. */
  path: string;
  /** Plan format name (auto, openai, prompt-completion, context-response, csv, parquet). */
  format: string;
  /** Column-mapping options given in the source block (user/assistant/system). */
  options: Record<string, unknown>;
  span: Span;
}

export interface SqlNeed {
  key: string;
  snippet: string;
  /** Columns of the data the snippet filters. */
  columns: ColumnFact[];
  /** A complete statement to prepare (not run) against an empty table of those columns. */
  probe: string;
  /** Where the snippet starts in `probe`, to map DuckDB's error position back. */
  snippetOffset: number;
  span: Span;
}

export interface Needs {
  datasets: DatasetNeed[];
  files: FileNeed[];
  models: boolean;
  sql: SqlNeed[];
}

export function emptyNeeds(): Needs {
  return { datasets: [], files: [], models: false, sql: [] };
}

export function hasNeeds(n: Needs): boolean {
  return n.datasets.length > 0 || n.files.length > 0 || n.models || n.sql.length > 0;
}

/** Merges newly fetched facts over older ones. */
export function mergeFacts(a: Facts, b: Facts): Facts {
  return {
    datasets: { ...a.datasets, ...b.datasets },
    files: { ...a.files, ...b.files },
    models: b.models ?? a.models,
    sql: { ...a.sql, ...b.sql }
  };
}
