/**
 * Rows of a dataset version as the conversation viewer pages through them (GET
 * /api/datasets/NAME/rows and /rows/INDEX). `i` is the 0-based position in the version's file
 * order, the one stable order every page uses.
 */
import type { ChatMessage } from '$lib/components/chat';

/** A grid row: light columns and previews only. */
export interface BrowseRow {
  i: number;
  source_line: number | null;
  turns: number | null;
  chars: number | null;
  /** First characters of the user / assistant text. */
  user: string;
  assistant: string;
  /** Metadata columns (intent, style, …) as text. */
  meta: Record<string, string | null>;
}

export interface BrowsePage {
  /** Rows matching (all rows without a search). */
  total: number;
  offset: number;
  rows: BrowseRow[];
  /** index: the version's DuckDB copy (row-number seeks); parquet: while that copy is being built. */
  source: 'index' | 'parquet';
}

/** One whole row: the conversation and everything else. */
export interface FullRow {
  i: number;
  conversation_id: string | null;
  messages: ChatMessage[];
  tools: string | null;
  meta: Record<string, string | null>;
  source_file: string | null;
  source_line: number | null;
  turns: number | null;
  chars: number | null;
  tokens: number | null;
}

const base = (name: string) => `/api/datasets/${encodeURIComponent(name)}`;

export function rowsUrl(name: string, version: number): string {
  return `${base(name)}/rows?version=${version}`;
}

export function rowUrl(name: string, version: number, i: number): string {
  return `${base(name)}/rows/${i}?version=${version}`;
}

export function datasetPage(name: string, version?: number): string {
  return `/datasets/${encodeURIComponent(name)}${version === undefined ? '' : `?version=${version}`}`;
}

export function rowPage(name: string, version: number, i: number): string {
  return `/datasets/${encodeURIComponent(name)}/row/${i}?version=${version}`;
}
