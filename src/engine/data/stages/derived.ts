/**
 * The one place operators change messages. Any operator that rewrites `messages` (redact,
 * system_prompt, map roles) goes through these CTEs, which then recompute everything derived
 * from messages with the importer's own expressions (canonical.ts): conversation_id (the content
 * hash), turns, system_text, user_text, assistant_text, chars, and tokens (back to NULL: a count
 * for the old text would be wrong). So the canonical columns always agree with the messages.
 */
import { conversationIdSql, derivedColumnsSql } from '../canonical.ts';
import { MESSAGE_STRUCT } from '../schema.ts';

/** CTEs `changed` (messages replaced by `newMessages`, an expression over the input row) and
 *  `recomputed` (derived columns rebuilt from the new messages). */
export function replaceMessages(input: string, newMessages: string): [string, string][] {
  return [['changed', `select * replace (\n    ${newMessages.replace(/\n/g, '\n    ')} as messages\n  )\n  from ${input}`], recomputeDerived('changed')];
}

/** CTE `recomputed`: the rows of `from` with conversation_id and the derived columns rebuilt. */
export function recomputeDerived(from: string): [string, string] {
  return ['recomputed', `select * replace (\n    ${[`${conversationIdSql()} as conversation_id`, ...derivedColumnsSql()].join(',\n    ')}\n  )\n  from ${from}`];
}

/** A new message of the canonical struct type with the given role and content expression. */
export function messageLiteral(role: string, content: string): string {
  return `{'role': '${role}', 'content': ${content}, 'weight': NULL, 'name': NULL, 'tool_calls': NULL, 'tool_call_id': NULL, 'function_call': NULL}::${MESSAGE_STRUCT}`;
}
