/**
 * The canonical conversation table. Every import format lands in this shape, every data stage
 * reads and writes it, and the trainer and evaluator consume it. Stored as Parquet.
 *
 *   conversation_id  VARCHAR      content hash of (messages, tools): see conversationId() in
 *                                 canonical.ts (32 hex digits; metadata is not part of it)
 *   messages         MESSAGE[]    in order; see MESSAGE_STRUCT
 *   tools            VARCHAR      the OpenAI `tools` array as JSON text, or NULL
 *   <metadata>       VARCHAR      one column per extra top-level key (intent, style, ...);
 *                                 strings as is, other JSON values as JSON text; keys that are
 *                                 not SQL-friendly are renamed (formats/types.ts ColumnNamer).
 *                                 A version saved from a SQL query keeps the query's types.
 *   source_file      VARCHAR      base name of the imported file
 *   source_line      INTEGER      1-based line where the record starts in that file (JSON array:
 *                                 where the element starts; CSV: the row; Parquet: row number)
 *   turns            INTEGER      number of non-system messages
 *   system_text      VARCHAR      system contents joined by '\n' ('' when none)
 *   user_text        VARCHAR      user contents joined by '\n'
 *   assistant_text   VARCHAR      assistant contents joined by '\n'
 *   chars            INTEGER      total characters (code points) of all contents
 *   tokens           INTEGER      total tokens, once a tokenizer is named; NULL otherwise
 */

export const ROLES = ['system', 'user', 'assistant', 'tool', 'function'] as const;
export type Role = (typeof ROLES)[number];

export interface CanonicalMessage {
  role: Role;
  /** NULL only for an assistant message that carries tool_calls / function_call. */
  content: string | null;
  /** 1 = trained on, 0 = context only. NULL = default (assistant 1, others 0). */
  weight: 0 | 1 | null;
  name: string | null;
  /** JSON text of the assistant's tool_calls array. */
  tool_calls: string | null;
  tool_call_id: string | null;
  /** JSON text of the legacy function_call object. */
  function_call: string | null;
}

export const MESSAGE_STRUCT =
  'STRUCT(role VARCHAR, content VARCHAR, weight TINYINT, name VARCHAR, tool_calls VARCHAR, tool_call_id VARCHAR, function_call VARCHAR)';

/** Columns every dataset has, in order, with their DuckDB types. Metadata columns follow `tools`. */
export const CORE_COLUMNS = [
  { name: 'conversation_id', type: 'VARCHAR' },
  { name: 'messages', type: `${MESSAGE_STRUCT}[]` },
  { name: 'tools', type: 'VARCHAR' }
] as const;

export const TRAILING_COLUMNS = [
  { name: 'source_file', type: 'VARCHAR' },
  { name: 'source_line', type: 'INTEGER' },
  { name: 'turns', type: 'INTEGER' },
  { name: 'system_text', type: 'VARCHAR' },
  { name: 'user_text', type: 'VARCHAR' },
  { name: 'assistant_text', type: 'VARCHAR' },
  { name: 'chars', type: 'INTEGER' },
  { name: 'tokens', type: 'INTEGER' }
] as const;

/** Names a metadata column may not take. */
export const RESERVED_COLUMNS = new Set<string>([...CORE_COLUMNS, ...TRAILING_COLUMNS].map((c) => c.name));

export interface CanonicalRow {
  conversation_id: string;
  messages: CanonicalMessage[];
  tools: string | null;
  metadata: Record<string, string | null>;
  source_file: string;
  source_line: number;
}

/** The effective training weight of a message (OpenAI: assistant turns train unless weight 0). */
export function effectiveWeight(m: Pick<CanonicalMessage, 'role' | 'weight'>): 0 | 1 {
  if (m.weight !== null && m.weight !== undefined) return m.weight;
  return m.role === 'assistant' ? 1 : 0;
}
