/**
 * Column mapping for tabular sources (CSV, Parquet): which source column becomes the system,
 * user and assistant turn, or a whole `messages` list, and which become metadata columns.
 *
 *   --map user=instruction,assistant=response,intent=intent,system="You are a support agent."
 *
 * Targets system / user / assistant / messages are the conversation; any other target is a
 * metadata column of that name. A quoted value is literal text (handy for a fixed system prompt).
 * Without --map, common column names are recognised and every other column becomes metadata.
 * A mapped row is handed to the OpenAI format checks as {"messages": [...], ...metadata}.
 *
 * Pure (no Node modules): the web upload form imports it to parse, guess and write mappings in
 * the browser exactly as the engine reads them.
 */
import { RESERVED_COLUMNS } from '../schema.ts';
import { isPlainObject } from './types.ts';

export type Mapping = Record<string, string>;

export const CONVERSATION_TARGETS = ['system', 'user', 'assistant', 'messages'] as const;

/** Column names recognised (case-insensitively, first match wins) when no mapping is given. */
export const COLUMN_GUESSES: Readonly<Record<(typeof CONVERSATION_TARGETS)[number], readonly string[]>> = {
  messages: ['messages', 'conversation', 'conversations_json'],
  system: ['system', 'system_prompt', 'instructions_system'],
  user: ['user', 'prompt', 'instruction', 'question', 'input', 'query', 'request', 'context', 'text'],
  assistant: ['assistant', 'response', 'completion', 'answer', 'output', 'reply', 'target']
};

/**
 * Parses `k=v,k=v` (a quoted value may contain commas). Throws with a message naming the part;
 * `what` names the mapping in it (the CLI's flag; the web says `mapping`).
 */
export function parseMapping(spec: string, what = '--map'): Mapping {
  const out: Mapping = {};
  const re = /\s*([^=,\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,]*)\s*(?:,|$)/y;
  let at = 0;
  while (at < spec.length) {
    re.lastIndex = at;
    const m = re.exec(spec);
    if (!m || m[0].length === 0) throw new Error(`cannot read ${what} at '${spec.slice(at)}': expected target=column[,target=column...]`);
    const value = m[2].trim();
    if (!value) throw new Error(`${what} ${m[1]}= names no column`);
    out[m[1]] = value;
    at = re.lastIndex;
  }
  if (Object.keys(out).length === 0) throw new Error(`${what} is empty: expected target=column[,target=column...]`);
  return out;
}

/**
 * The mapping as parseMapping reads it back: `target=value` joined by commas. Values are written
 * as they are held (a literal keeps its quotes), so a column named in one must be one that
 * canBeMapped() accepts.
 */
export function formatMapping(m: Mapping): string {
  return Object.entries(m)
    .map(([t, v]) => `${t}=${v}`)
    .join(',');
}

/**
 * Whether a mapping can name this column: parseMapping trims values, ends them at a comma and
 * reads a quoted one as literal text, so such names cannot be written.
 */
export function canBeMapped(column: string): boolean {
  return column !== '' && column.trim() === column && !column.includes(',') && !isLiteral(column);
}

export function isLiteral(v: string): boolean {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"');
}

function literalText(v: string): string {
  return JSON.parse(v) as string;
}

export interface ResolvedMapping {
  mapping: Mapping;
  /** Source columns that become metadata under their own names (default mapping only). */
  passthroughColumns: string[];
  /** Problems (unknown column, no user/assistant) as plain messages. */
  errors: string[];
  notes: string[];
}

/** Checks an explicit mapping against the source columns, or guesses one. */
export function resolveMapping(columns: string[], explicit?: Mapping): ResolvedMapping {
  const errors: string[] = [];
  const notes: string[] = [];
  const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  if (explicit) {
    for (const [target, source] of Object.entries(explicit)) {
      if (isLiteral(source)) continue;
      if (!columns.includes(source)) {
        const near = byLower.get(source.toLowerCase());
        errors.push(`--map ${target}=${source}: no column '${source}'${near ? ` (did you mean '${near}'?)` : ''}; columns: ${columns.join(', ')}`);
      }
    }
    if (!explicit.messages && (!explicit.user || !explicit.assistant)) errors.push('--map needs user= and assistant= (or messages=)');
    return { mapping: explicit, passthroughColumns: [], errors, notes };
  }
  const mapping: Mapping = {};
  const used = new Set<string>();
  for (const target of CONVERSATION_TARGETS) {
    for (const g of COLUMN_GUESSES[target]) {
      const col = byLower.get(g);
      if (col && !used.has(col)) {
        mapping[target] = col;
        used.add(col);
        break;
      }
    }
  }
  if (mapping.messages) {
    for (const t of ['system', 'user', 'assistant']) if (mapping[t]) used.delete(mapping[t]), delete mapping[t];
  } else if (!mapping.user || !mapping.assistant) {
    errors.push(`cannot tell which columns hold the conversation (columns: ${columns.join(', ')}); name them with --map user=COLUMN,assistant=COLUMN`);
  }
  notes.push(`column mapping: ${Object.entries(mapping).map(([t, c]) => `${t}=${c}`).join(',')}`);
  // Columns tunebench derives itself (a re-imported canonical table) are recomputed, not copied;
  // `tools` keeps its meaning.
  const derived = (c: string) => RESERVED_COLUMNS.has(c) && c !== 'tools';
  return { mapping, passthroughColumns: columns.filter((c) => !used.has(c) && !derived(c)), errors, notes };
}

/** One source row (column → value) as an OpenAI-format record. */
export function mapRow(row: Record<string, unknown>, m: ResolvedMapping): Record<string, unknown> {
  const value = (source: string): unknown => (isLiteral(source) ? literalText(source) : row[source]);
  const rec: Record<string, unknown> = {};
  const mp = m.mapping;
  if (mp.messages) {
    let msgs = value(mp.messages);
    if (typeof msgs === 'string') {
      try {
        msgs = JSON.parse(msgs);
      } catch {
        // Left as a string: the format check reports messages_not_a_list.
      }
    }
    rec.messages = Array.isArray(msgs) ? msgs.map(stripNulls) : msgs;
  } else {
    const messages: Record<string, unknown>[] = [];
    if (mp.system) {
      const s = value(mp.system);
      if (s !== null && s !== undefined && s !== '') messages.push({ role: 'system', content: s });
    }
    messages.push({ role: 'user', content: value(mp.user) ?? null });
    messages.push({ role: 'assistant', content: value(mp.assistant) ?? null });
    rec.messages = messages;
  }
  for (const [target, source] of Object.entries(mp)) {
    if ((CONVERSATION_TARGETS as readonly string[]).includes(target)) continue;
    rec[target] = value(source) ?? null;
  }
  for (const c of m.passthroughColumns) rec[c] = c === 'tools' ? parseJsonText(row[c]) : (row[c] ?? null);
  return rec;
}

/** A canonical table stores tools / tool_calls / function_call as JSON text: read them back. */
function parseJsonText(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Parquet lists of structs carry every field, null or not; OpenAI records omit absent keys. */
function stripNulls(m: unknown): unknown {
  if (!isPlainObject(m)) return m;
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) if (v !== null && v !== undefined) o[k] = k === 'tool_calls' || k === 'function_call' ? parseJsonText(v) : v;
  if (!('content' in o) && 'role' in o && !('tool_calls' in o) && !('function_call' in o)) o.content = null;
  return o;
}
