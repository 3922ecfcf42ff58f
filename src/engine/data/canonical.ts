/**
 * From a Draft to the canonical table: the conversation id, the intermediate JSON line the
 * importer hands to DuckDB, and the SQL that derives the filter columns.
 *
 * conversation_id — exactly what is hashed:
 *   the UTF-8 bytes of  F(tools) NUL  then, for every message in order,
 *   F(role) NUL F(content) NUL F(weight) NUL F(name) NUL F(tool_calls) NUL F(tool_call_id) NUL F(function_call) NUL
 *   where F(null) = "n" and F(text) = "s" + text, NUL is U+0000, weight is the effective weight
 *   ("1" or "0": assistant turns default to 1, others to 0), tools / tool_calls / function_call are
 *   the JSON texts stored in the table; conversation_id = the first 32 hex digits of its SHA-256.
 * So it covers the conversation (messages and tools) and nothing else: two rows with the same
 * messages but different metadata (intent, source line) share an id, which is what dedupe wants.
 * Validation rejects NUL inside any string, so the encoding is unambiguous. conversationIdSql()
 * computes the same value in DuckDB (a test pins them together).
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import type { Draft, DraftMessage } from './formats/types.ts';

function f(x: string | null | undefined): string {
  return x == null ? 'n' : 's' + x;
}

const sha256hex: (s: string) => string =
  typeof oneShotHash === 'function' ? (s) => oneShotHash('sha256', s, 'hex') : (s) => createHash('sha256').update(s).digest('hex');

// The tail of a message whose last four fields are null, after its weight: the common case,
// appended as one constant instead of eight pieces.
const W1_NULLS = 's1\0n\0n\0n\0n\0';
const W0_NULLS = 's0\0n\0n\0n\0n\0';

export function conversationId(messages: readonly DraftMessage[], tools: string | null): string {
  let s = tools === null ? 'n\0' : 's' + tools + '\0';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const w = m.weight ?? (m.role === 'assistant' ? 1 : 0);
    s += f(m.role) + '\0' + f(m.content) + '\0';
    if (m.name == null && m.tool_calls == null && m.tool_call_id == null && m.function_call == null) s += w === 1 ? W1_NULLS : W0_NULLS;
    else s += (w === 1 ? 's1' : 's0') + '\0' + f(m.name) + '\0' + f(m.tool_calls) + '\0' + f(m.tool_call_id) + '\0' + f(m.function_call) + '\0';
  }
  return sha256hex(s).slice(0, 32);
}

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** DuckDB expression equal to conversationId() for a canonical `messages` and `tools` column. */
export function conversationIdSql(messages = 'messages', tools = 'tools'): string {
  const F = (x: string) => `(CASE WHEN ${x} IS NULL THEN 'n' ELSE 's' || ${x} END)`;
  const nul = 'chr(0)';
  const msg = `m -> ${F('m.role')} || ${nul} || ${F('m.content')} || ${nul} || 's' || CAST(coalesce(m.weight, CASE WHEN m.role = ${q('assistant')} THEN 1 ELSE 0 END) AS VARCHAR) || ${nul} || ${F('m.name')} || ${nul} || ${F('m.tool_calls')} || ${nul} || ${F('m.tool_call_id')} || ${nul} || ${F('m.function_call')} || ${nul}`;
  return `substr(sha256(${F(tools)} || ${nul} || coalesce(array_to_string(list_transform(${messages}, ${msg}), ''), '')), 1, 32)`;
}

/**
 * The derived columns computed in JavaScript for the intermediate line, as JSON members
 * `"t":turns,"c":chars,"s":system_text,"u":user_text,"a":assistant_text` (equal to what
 * derivedColumnsSql() computes; a test pins them together). `ascii`: every content is ASCII, so
 * UTF-16 length equals the code-point count DuckDB's length() returns. `safe`: no content holds
 * a character JSON must escape (true when the record's own JSON text had no backslash), so the
 * texts can be quoted without JSON.stringify.
 */
export function derivedJson(messages: readonly DraftMessage[], ascii: boolean, safe = false): string {
  let turns = 0;
  let chars = 0;
  let system: string | null = null;
  let user: string | null = null;
  let assistant: string | null = null;
  // Joined with a real newline, or, when safe, already with its JSON escape.
  const nl = safe ? '\\n' : '\n';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role !== 'system') turns++;
    const c = m.content;
    if (c == null) continue;
    chars += ascii ? c.length : codePoints(c);
    if (m.role === 'system') system = system === null ? c : system + nl + c;
    else if (m.role === 'user') user = user === null ? c : user + nl + c;
    else if (m.role === 'assistant') assistant = assistant === null ? c : assistant + nl + c;
  }
  const q = safe ? (x: string | null) => (x === null ? '""' : '"' + x + '"') : (x: string | null) => jsonText(x ?? '');
  return '"t":' + turns + ',"c":' + chars + ',"s":' + q(system) + ',"u":' + q(user) + ',"a":' + q(assistant);
}

function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

// Most rows of a file share their system prompt: remember the last one's JSON text.
let lastText = '';
let lastJson = '""';
function jsonText(s: string): string {
  if (s !== lastText) {
    lastText = s;
    lastJson = JSON.stringify(s);
  }
  return lastJson;
}

/** The derived columns of the canonical table (see schema.ts), as `expr AS name` SQL. */
export function derivedColumnsSql(messages = 'messages'): string[] {
  const joined = (role: string) =>
    `coalesce(array_to_string(list_transform(list_filter(${messages}, m -> m.role = ${q(role)} AND m.content IS NOT NULL), m -> m.content), chr(10)), '')`;
  return [
    `CAST(len(list_filter(${messages}, m -> m.role <> 'system')) AS INTEGER) AS turns`,
    `${joined('system')} AS system_text`,
    `${joined('user')} AS user_text`,
    `${joined('assistant')} AS assistant_text`,
    `CAST(coalesce(list_sum(list_transform(${messages}, m -> length(coalesce(m.content, '')))), 0) AS INTEGER) AS chars`,
    `CAST(NULL AS INTEGER) AS tokens`
  ];
}

/**
 * The "d" object of an intermediate line (see import/intermediate.ts) for a record that is not
 * copied verbatim: messages without null fields, tools, and the non-null metadata columns.
 */
export function canonicalJson(draft: Draft): string {
  const o: Record<string, unknown> = { messages: draft.messages.map(compactMessage) };
  if (draft.tools !== null) o.tools = draft.tools;
  for (const [k, v] of draft.metadata) if (v !== null) o[k] = v;
  return JSON.stringify(o);
}

function compactMessage(m: DraftMessage): Record<string, unknown> {
  const o: Record<string, unknown> = { role: m.role, content: m.content ?? null };
  if (m.weight != null) o.weight = m.weight;
  if (m.name != null) o.name = m.name;
  if (m.tool_calls != null) o.tool_calls = m.tool_calls;
  if (m.tool_call_id != null) o.tool_call_id = m.tool_call_id;
  if (m.function_call != null) o.function_call = m.function_call;
  return o;
}

/** True when at least one turn is trained on (effective weight 1). */
export function isTrainable(messages: readonly DraftMessage[]): boolean {
  for (const m of messages) if ((m.weight ?? (m.role === 'assistant' ? 1 : 0)) === 1) return true;
  return false;
}
