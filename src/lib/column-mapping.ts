/**
 * The column mapping of a CSV / Parquet upload, as the upload form edits it. The mapping text
 * (`user=instruction,assistant=response,intent=label`, what `tunebench import --map` takes) is the
 * one source of truth and what is sent: the form's selects are a view of it, and each choice
 * rewrites it. An empty text means "the engine's guess", which the form shows as explicit
 * choices. Parsing, guessing and writing are the engine's own (formats/mapping.ts, pure), so the
 * form reads a mapping exactly as the import will.
 */
import { CONVERSATION_TARGETS, COLUMN_GUESSES, canBeMapped, formatMapping, isLiteral, parseMapping, resolveMapping, type Mapping } from '../engine/data/formats/mapping.ts';
import { readCsvHeader } from '../engine/data/formats/csv-header.ts';
import { defaultColumnName } from '../engine/data/formats/types.ts';

export { canBeMapped, isLiteral, type Mapping };

export type Role = (typeof CONVERSATION_TARGETS)[number];
const ROLES: readonly string[] = CONVERSATION_TARGETS;

/** How much of a CSV file the browser reads to find its header row. */
export const HEADER_BYTES = 256 * 1024;

export function isParquet(fileName: string, format: string | null): boolean {
  return format === 'parquet' || (!format && /\.parquet$/i.test(fileName));
}

/** Whether the file's records come through a column mapping (CSV, TSV, Parquet). */
export function isTabular(fileName: string, format: string | null): boolean {
  return format === 'csv' || isParquet(fileName, format) || (!format && /\.(csv|tsv)$/i.test(fileName));
}

/** The header of a CSV / TSV file, read from its first HEADER_BYTES; or why it could not be read. */
export async function readHeader(file: Blob & { name: string }): Promise<{ columns: string[] } | { note: string }> {
  const complete = file.size <= HEADER_BYTES;
  const columns = readCsvHeader(await file.slice(0, HEADER_BYTES).text(), file.name, complete);
  if (columns) return { columns };
  return { note: file.size === 0 ? `${file.name} is empty.` : `The header row of ${file.name} does not end within its first ${HEADER_BYTES / 1024} KB, so its columns are not listed here.` };
}

export interface MappingState {
  /** The text is empty: the import guesses from the column names. */
  automatic: boolean;
  /** The mapping in effect: the text's, or the guess written out (null: the text does not parse, or the columns are unknown and the text is empty). */
  mapping: Mapping | null;
  /** Why the text does not parse. */
  syntaxError: string | null;
  /** Known columns and no turns chosen: what is missing. */
  missing: string | null;
  /** Columns the mapping names that the header lacks. */
  unknown: string[];
}

export function mappingState(text: string, columns: string[] | null): MappingState {
  const automatic = text.trim() === '';
  let mapping: Mapping | null = null;
  let syntaxError: string | null = null;
  if (automatic) mapping = columns ? guessedMapping(columns) : null;
  else {
    try {
      mapping = parseMapping(text, 'mapping');
    } catch (e) {
      syntaxError = (e as Error).message;
    }
  }
  let missing: string | null = null;
  let unknown: string[] = [];
  if (mapping && columns) {
    if (!mapping.messages && (!mapping.user || !mapping.assistant)) {
      missing = automatic ? 'The columns were not recognised: choose which hold the user and assistant turns.' : 'Choose the user and assistant columns (or a messages column).';
    }
    unknown = Object.values(mapping).filter((v) => !isLiteral(v) && !columns.includes(v));
  }
  return { automatic, mapping, syntaxError, missing, unknown };
}

/** What stops an upload from being read at all (a text that does not parse, no turns chosen). */
export function mappingBlocker(text: string, columns: string[] | null): string | null {
  const s = mappingState(text, columns);
  return s.syntaxError ?? s.missing;
}

/** The engine's guess (resolveMapping without a mapping) as explicit entries: the turns, then every other column as metadata. */
export function guessedMapping(columns: string[]): Mapping {
  const r = resolveMapping(columns);
  const m: Mapping = { ...r.mapping };
  for (const c of r.passthroughColumns) if (canBeMapped(c)) m[metadataTarget(c, m)] = c;
  return ordered(m);
}

/** A metadata target for `name`: a clean column name, not a conversation target, not taken in `m`. */
export function metadataTarget(name: string, m: Mapping, column?: string): string {
  let base = defaultColumnName(name.trim() || 'field');
  if (ROLES.includes(base)) base = `meta_${base}`;
  let t = base;
  for (let n = 2; t in m && m[t] !== column; n++) t = `${base}_${n}`;
  return t;
}

/** The conversation targets first (system, user, assistant, messages), then metadata as they came. */
function ordered(m: Mapping): Mapping {
  const out: Mapping = {};
  for (const r of ROLES) if (r in m) out[r] = m[r];
  for (const [t, v] of Object.entries(m)) if (!ROLES.includes(t)) out[t] = v;
  return out;
}

export function writeMapping(m: Mapping): string {
  return formatMapping(ordered(m));
}

export function isRole(target: string): target is Role {
  return ROLES.includes(target);
}

export const modeOf = (m: Mapping): 'turns' | 'messages' => (m.messages ? 'messages' : 'turns');

/** Columns a conversation target takes. */
export function conversationColumns(m: Mapping): Set<string> {
  return new Set(Object.entries(m).filter(([t, v]) => isRole(t) && !isLiteral(v)).map(([, v]) => v));
}

/** The metadata target that keeps `column`, or null. */
export function metadataOf(m: Mapping, column: string): string | null {
  return Object.entries(m).find(([t, v]) => !isRole(t) && v === column)?.[0] ?? null;
}

/** Sets (or, with null, removes) a conversation target; a column that becomes a turn stops being metadata. */
export function withRole(m: Mapping, role: Role, value: string | null): Mapping {
  const out: Mapping = {};
  for (const [t, v] of Object.entries(m)) if (t !== role && (isRole(t) || isLiteral(v) || v !== value)) out[t] = v;
  if (value !== null) out[role] = value;
  return out;
}

/** Switches between user/assistant columns and one messages column, pre-choosing by the engine's guesses. */
export function withMode(m: Mapping, mode: 'turns' | 'messages', columns: string[]): Mapping {
  const guess = (role: Role) => columns.find((c) => COLUMN_GUESSES[role].includes(c.toLowerCase()) && canBeMapped(c)) ?? null;
  if (mode === 'messages') {
    const turnsless = withRole(withRole(withRole(m, 'system', null), 'user', null), 'assistant', null);
    return withRole(turnsless, 'messages', m.messages ?? guess('messages'));
  }
  let out = withRole(m, 'messages', null);
  for (const role of ['user', 'assistant'] as const) if (!out[role]) out = withRole(out, role, guess(role));
  return out;
}

/** Keeps `column` as metadata named `name` (made a clean column name), or drops it (null). */
export function withMetadata(m: Mapping, column: string, name: string | null): Mapping {
  const out: Mapping = {};
  for (const [t, v] of Object.entries(m)) if (isRole(t) || isLiteral(v) || v !== column) out[t] = v;
  if (name !== null) out[metadataTarget(name, out, column)] = column;
  return out;
}

/** The names the engine recognises, in words (for a file whose columns the browser does not read). */
export function guessesInWords(): string {
  return (['user', 'assistant', 'system', 'messages'] as const).map((r) => `${r}: ${COLUMN_GUESSES[r].slice(0, 5).join(', ')}`).join('; ');
}
