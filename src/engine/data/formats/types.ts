/**
 * What every import format produces: a Draft (the canonical conversation before it gets its id
 * and derived columns) plus the issues found while reading one record. A format module is a pure
 * function of one record; containers (JSONL lines, JSON arrays, CSV rows, Parquet rows) are read
 * elsewhere and hand records in.
 */
import { RESERVED_COLUMNS, type CanonicalMessage } from '../schema.ts';
import type { RecordIssue } from '../validate/json-record.ts';

export const FORMAT_NAMES = ['openai', 'prompt-completion', 'context-response', 'csv', 'parquet'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** JSON record formats (the ones a JSONL line or a JSON array element can be in). */
export type RecordFormat = 'openai' | 'prompt-completion' | 'context-response';

/**
 * A message of a Draft: a CanonicalMessage whose optional fields may be absent (= null). A plain
 * OpenAI message is used as parsed, without copying it into a new object (a million-row import
 * would otherwise allocate millions of them).
 */
export type DraftMessage = Pick<CanonicalMessage, 'role' | 'content'> & Partial<Omit<CanonicalMessage, 'role' | 'content'>>;

export interface Draft {
  messages: DraftMessage[];
  /** The OpenAI `tools` array as JSON text, or null. */
  tools: string | null;
  /** Metadata columns in record order: column name → value (string, null, or JSON text). */
  metadata: Map<string, string | null>;
  /**
   * True when the record's own JSON text already has the canonical intermediate layout (an
   * OpenAI record with plain string messages and string metadata under clean names), so the
   * importer can copy the text instead of re-serialising it.
   */
  passthrough: boolean;
}

export interface RecordContext {
  /** Flag top-level keys that OpenAI's fine-tuning API would reject. */
  strictOpenai: boolean;
  /** Records built from table rows (CSV/Parquet): no "missing system message" warning. */
  mapped?: boolean;
  /** Per-scan memory: metadata key → column name decisions, renames already reported. */
  columns: ColumnNamer;
}

export interface RecordResult {
  draft: Draft | null;
  issues: RecordIssue[];
  /** For a record that is not in the expected format: the format it looks like (mixed files). */
  looksLike?: string;
}

export function recordIssue(severity: RecordIssue['severity'], code: string, path: string, message: string, hint = ''): RecordIssue {
  return { severity, code, path, message, hint, offset: -1 };
}

const CLEAN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const RESERVED_LOWER = new Set([...RESERVED_COLUMNS].map((c) => c.toLowerCase()));

/**
 * Turns metadata keys into column names. Clean names are kept; others are made SQL-friendly
 * (`my key` → `my_key`, `turns` → `meta_turns`), and the first rename of each key is reported.
 * `fixed` (from a previous pass) overrides the rules, e.g. to settle keys that differ only in case.
 */
export class ColumnNamer {
  private cache = new Map<string, string>();
  private reported = new Set<string>();
  constructor(private fixed: Record<string, string> = {}) {}

  column(key: string): string {
    let c = this.cache.get(key);
    if (c !== undefined) return c;
    c = this.fixed[key] ?? defaultColumnName(key);
    this.cache.set(key, c);
    return c;
  }

  /** Every key seen so far with its column. */
  entries(): IterableIterator<[string, string]> {
    return this.cache.entries();
  }

  /** True the first time a renamed key is seen (so the warning is given once per scan). */
  firstRename(key: string): boolean {
    if (this.reported.has(key)) return false;
    this.reported.add(key);
    return true;
  }
}

export function defaultColumnName(key: string): string {
  if (CLEAN.test(key) && !RESERVED_LOWER.has(key.toLowerCase())) return key;
  let c = key.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'field';
  if (!/^[A-Za-z_]/.test(c)) c = `_${c}`;
  if (RESERVED_LOWER.has(c.toLowerCase())) c = `meta_${c}`;
  return c.slice(0, 64);
}

/** Metadata value → column text: strings as is, null as null, anything else as JSON text. */
export function metadataText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Adds a metadata key to a draft, reporting renames; returns whether the name was kept as is. */
export function addMetadata(draft: Draft, key: string, value: unknown, ctx: RecordContext, issues: RecordIssue[]): boolean {
  const col = ctx.columns.column(key);
  if (col !== key && ctx.columns.firstRename(key)) {
    issues.push(recordIssue('warning', 'metadata_renamed', key, `top-level key "${key}" is stored as column ${col}`, 'metadata keys become SQL column names: letters, digits and _, not a built-in column name'));
  }
  draft.metadata.set(col, metadataText(value));
  return col === key;
}

const WHITESPACE_ONLY = /^\s+$/;

/** Content checks shared by every format. Returns false when the content is unusable. */
export function checkText(text: string, path: string, issues: RecordIssue[]): boolean {
  if (text.length === 0) {
    issues.push(recordIssue('error', 'missing_content', path, 'the content is empty', 'every user and assistant turn needs text'));
    return false;
  }
  if (WHITESPACE_ONLY.test(text)) {
    issues.push(recordIssue('error', 'whitespace_only_content', path, 'the content is only whitespace', 'remove the turn or give it text'));
    return false;
  }
  return true;
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
