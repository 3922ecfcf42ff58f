/**
 * OpenAI chat format: {"messages": [{"role", "content", ...}], "tools"?, ...metadata}.
 *
 * Runs the checks of OpenAI's cookbook notebook "Data preparation and analysis for chat model
 * fine-tuning" (data_type, missing_messages_list, message_missing_key, message_unrecognized_key,
 * unrecognized_role, missing_content, example_missing_assistant_message) with the same codes, and
 * its warnings (no system / no user message). Unlike the notebook it accepts what the fine-tuning
 * API accepts today: the `tool` role, `tool_calls` with null content, `tool_call_id`, and it warns
 * that `function_call` and the `function` role are deprecated.
 */
import type { Role } from '../schema.ts';
import type { RecordIssue } from '../validate/json-record.ts';
import { addMetadata, checkText, isPlainObject, recordIssue, typeName, type Draft, type DraftMessage, type RecordContext, type RecordResult } from './types.ts';

const ROLES = new Set<string>(['system', 'user', 'assistant', 'tool', 'function']);
const MESSAGE_KEYS = new Set<string>(['role', 'content', 'name', 'weight', 'tool_calls', 'tool_call_id', 'function_call']);
/** Top-level keys OpenAI's fine-tuning format defines; anything else is metadata. */
const OPENAI_TOP_KEYS = new Set<string>(['messages', 'tools', 'parallel_tool_calls', 'functions']);

const ROLE_HINTS: Record<string, string> = {
  bot: 'assistant',
  model: 'assistant',
  gpt: 'assistant',
  ai: 'assistant',
  human: 'user',
  customer: 'user',
  developer: 'system'
};

/** Names the format a non-chat record looks like, for mixed-format files. */
export function guessRecordFormat(o: Record<string, unknown>): string | undefined {
  if ('messages' in o) return 'openai';
  if ('prompt' in o || 'completion' in o) return 'prompt-completion';
  if ('context' in o || 'response' in o) return 'context-response';
  if ('instruction' in o || ('input' in o && 'output' in o)) return 'alpaca';
  if ('conversations' in o) return 'sharegpt';
  return undefined;
}

const FORMAT_HINTS: Record<string, string> = {
  'prompt-completion': 'this record looks like prompt/completion; import such files with --format prompt-completion (one format per file)',
  'context-response': 'this record looks like context/response; import such files with --format context-response (one format per file)',
  alpaca: 'this record looks like Alpaca (instruction/input/output); convert it to {"messages": [...]}',
  sharegpt: 'this record looks like ShareGPT (conversations/from/value); convert it to {"messages": [...]}'
};

export function openaiRecord(value: unknown, ctx: RecordContext): RecordResult {
  const issues: RecordIssue[] = [];
  if (!isPlainObject(value)) {
    issues.push(recordIssue('error', 'data_type', '', `the record is ${typeName(value)}, not a JSON object`, 'each record must be an object like {"messages": [...]}'));
    return { draft: null, issues };
  }
  const msgs = value.messages;
  if (msgs === undefined || msgs === null || (Array.isArray(msgs) && msgs.length === 0)) {
    const looks = msgs === undefined ? guessRecordFormat(value) : undefined;
    const what = msgs === undefined ? 'no "messages" key' : msgs === null ? '"messages" is null' : '"messages" is an empty list';
    const keys = Object.keys(value).slice(0, 5).map((k) => JSON.stringify(k)).join(', ');
    issues.push(recordIssue('error', 'missing_messages_list', 'messages', `${what}${msgs === undefined && keys ? ` (keys: ${keys})` : ''}`, (looks && FORMAT_HINTS[looks]) ?? 'each record needs "messages": a non-empty list of {"role", "content"} objects'));
    return { draft: null, issues, looksLike: looks };
  }
  if (!Array.isArray(msgs)) {
    issues.push(recordIssue('error', 'messages_not_a_list', 'messages', `"messages" is ${typeName(msgs)}, not a list`, 'write "messages": [{"role": "user", "content": "..."}, ...]'));
    return { draft: null, issues };
  }

  let passthrough = true;
  let ok = true;
  let hasAssistant = false;
  let hasUser = false;
  let hasSystem = false;
  let trainable = false;
  let deprecated = false;
  let usesTools = false;
  const messages: DraftMessage[] = new Array(msgs.length);
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    const at = `messages[${i}]`;
    if (!isPlainObject(m)) {
      issues.push(recordIssue('error', 'data_type', at, `message ${i} is ${typeName(m)}, not an object`, 'each message is an object like {"role": "user", "content": "..."}'));
      ok = false;
      continue;
    }
    let role: unknown = undefined;
    let content: unknown = undefined;
    let weight: unknown = undefined;
    let name: unknown = undefined;
    let toolCalls: unknown = undefined;
    let toolCallId: unknown = undefined;
    let functionCall: unknown = undefined;
    let unknownKey = false;
    for (const k in m) {
      const v = m[k];
      switch (k) {
        case 'role':
          role = v;
          break;
        case 'content':
          content = v;
          break;
        case 'weight':
          weight = v;
          break;
        case 'name':
          name = v;
          break;
        case 'tool_calls':
          toolCalls = v;
          passthrough = false;
          break;
        case 'tool_call_id':
          toolCallId = v;
          break;
        case 'function_call':
          functionCall = v;
          passthrough = false;
          break;
        default: {
          const lower = k.toLowerCase();
          const hint = MESSAGE_KEYS.has(lower) ? `keys are case-sensitive: write "${lower}"` : k === 'text' ? 'the text of a message goes in "content"' : `allowed message keys: ${[...MESSAGE_KEYS].join(', ')}`;
          issues.push(recordIssue('error', 'message_unrecognized_key', `${at}.${k}`, `message ${i} has an unrecognized key "${k}"`, hint));
          ok = false;
          unknownKey = true;
        }
      }
    }
    if (role === undefined) {
      issues.push(recordIssue('error', 'message_missing_key', at, `message ${i} has no "role"`, 'every message needs "role": system, user, assistant or tool'));
      ok = false;
    } else if (typeof role !== 'string' || !ROLES.has(role)) {
      const r = typeof role === 'string' ? role : '';
      const suggestion = ROLES.has(r.toLowerCase()) ? r.toLowerCase() : ROLE_HINTS[r.toLowerCase()];
      issues.push(recordIssue('error', 'unrecognized_role', `${at}.role`, `message ${i} has role ${JSON.stringify(role)}`, suggestion ? `did you mean "${suggestion}"? roles are system, user, assistant, tool (lower case)` : 'roles are system, user, assistant, tool (and the deprecated function)'));
      ok = false;
    }
    const isAssistant = role === 'assistant';
    const callsTools = isAssistant && (toolCalls !== undefined || functionCall !== undefined);
    if (content === undefined) {
      if (!callsTools) {
        issues.push(recordIssue('error', 'message_missing_key', at, `message ${i} has no "content"`, 'every message needs "content" (an assistant message that calls tools may have null content)'));
        ok = false;
      }
    } else if (content === null) {
      if (!callsTools) {
        issues.push(recordIssue('error', 'missing_content', `${at}.content`, `message ${i} has null content`, 'only an assistant message with tool_calls may have null content'));
        ok = false;
      }
    } else if (typeof content !== 'string') {
      const parts = Array.isArray(content) && content.every((p) => isPlainObject(p) && p.type === 'text');
      issues.push(recordIssue('error', 'missing_content', `${at}.content`, `message ${i} content is ${typeName(content)}, not a string`, parts ? 'content-part arrays are valid for the OpenAI API but training needs plain text: join the text parts into one string' : 'content must be a string'));
      ok = false;
    } else if (!callsTools || content.length > 0) {
      if (!checkText(content, `${at}.content`, issues)) ok = false;
    }
    if (weight !== undefined && weight !== null && weight !== 0 && weight !== 1) {
      issues.push(recordIssue('error', 'invalid_weight', `${at}.weight`, `message ${i} has weight ${JSON.stringify(weight)}`, 'weight must be 0 (do not train on this turn) or 1'));
      ok = false;
    } else if ((weight === 0 || weight === 1) && !isAssistant && role !== undefined) {
      issues.push(recordIssue('warning', 'weight_on_non_assistant', `${at}.weight`, `message ${i} (${String(role)}) has a weight`, 'OpenAI accepts weight on assistant messages only; tunebench will honour it'));
    }
    if (name !== undefined && name !== null && typeof name !== 'string') {
      issues.push(recordIssue('error', 'invalid_field_type', `${at}.name`, `message ${i} name is ${typeName(name)}, not a string`, 'name must be a string'));
      ok = false;
    }
    if (toolCalls !== undefined && toolCalls !== null) {
      if (!isAssistant) {
        issues.push(recordIssue('error', 'invalid_tool_calls', `${at}.tool_calls`, `message ${i} (${String(role)}) has tool_calls`, 'only assistant messages call tools'));
        ok = false;
      } else if (!Array.isArray(toolCalls) || !toolCalls.every((t) => isPlainObject(t) && isPlainObject(t.function) && typeof t.function.name === 'string')) {
        issues.push(recordIssue('error', 'invalid_tool_calls', `${at}.tool_calls`, `message ${i} tool_calls is not a list of {"id", "type": "function", "function": {"name", "arguments"}}`, 'see the OpenAI function-calling fine-tuning format'));
        ok = false;
      }
    }
    if (toolCallId !== undefined && toolCallId !== null && typeof toolCallId !== 'string') {
      issues.push(recordIssue('error', 'invalid_field_type', `${at}.tool_call_id`, `message ${i} tool_call_id is ${typeName(toolCallId)}, not a string`, 'tool_call_id must be the id of the assistant tool call it answers'));
      ok = false;
    }
    if ((functionCall !== undefined || role === 'function') && !deprecated) {
      deprecated = true;
      issues.push(recordIssue('warning', 'deprecated_function_call', functionCall !== undefined ? `${at}.function_call` : `${at}.role`, `message ${i} uses the deprecated ${functionCall !== undefined ? 'function_call' : '"function" role'}`, 'OpenAI replaced function_call / role "function" with tool_calls / role "tool"; both still import'));
    }
    if (role === 'tool' && (toolCallId === undefined || toolCallId === null)) {
      issues.push(recordIssue('warning', 'tool_message_without_id', at, `tool message ${i} has no tool_call_id`, 'a tool result should name the call it answers'));
    }
    if ((toolCalls !== undefined && toolCalls !== null) || role === 'tool') usesTools = true;
    if (role === 'assistant') {
      hasAssistant = true;
      if (weight !== 0) trainable = true;
    } else if (role === 'user') hasUser = true;
    else if (role === 'system') hasSystem = true;
    // A plain message (role, string content, optional weight/name, nothing else) is kept as parsed.
    const plain =
      !unknownKey &&
      typeof content === 'string' &&
      toolCalls === undefined &&
      toolCallId === undefined &&
      functionCall === undefined &&
      (weight === undefined || weight === null || weight === 0 || weight === 1) &&
      (name === undefined || name === null || typeof name === 'string');
    if (plain) {
      messages[i] = m as DraftMessage;
      continue;
    }
    messages[i] = {
      role: role as Role,
      content: typeof content === 'string' ? content : null,
      weight: weight === 0 || weight === 1 ? weight : null,
      name: typeof name === 'string' ? name : null,
      tool_calls: toolCalls === undefined || toolCalls === null ? null : JSON.stringify(toolCalls),
      tool_call_id: typeof toolCallId === 'string' ? toolCallId : null,
      function_call: functionCall === undefined || functionCall === null ? null : JSON.stringify(functionCall)
    };
  }
  if (!hasAssistant) {
    issues.push(recordIssue('error', 'example_missing_assistant_message', 'messages', 'no assistant message', 'a training example needs at least one assistant turn to learn from'));
    ok = false;
  } else if (!trainable) {
    issues.push(recordIssue('warning', 'no_trainable_turn', 'messages', 'every assistant message has weight 0: nothing in this example is trained on', 'set weight 1 (or remove weight) on at least one assistant turn'));
  }
  if (ok && usesTools) issues.push(recordIssue('info', 'uses_tools', 'messages', 'the example uses function calling (tool_calls / tool results)', "tool calls are kept as JSON text; the base model's chat template must support tools to train on them (the cookbook notebook predates tools and would flag this record)"));
  if (ok && !hasUser) issues.push(recordIssue('warning', 'missing_user_message', 'messages', 'no user message', 'most examples start with what the user said'));
  if (ok && !hasSystem && !ctx.mapped) issues.push(recordIssue('warning', 'missing_system_message', 'messages', 'no system message', 'the cookbook notebook flags examples without a system prompt; fine if your model uses none'));

  const draft: Draft = { messages, tools: null, metadata: new Map(), passthrough };
  for (const k in value) {
    if (k === 'messages') continue;
    const v = value[k];
    if (k === 'tools') {
      if (v !== null && !Array.isArray(v)) {
        issues.push(recordIssue('error', 'invalid_tools', 'tools', `"tools" is ${typeName(v)}, not a list`, 'tools is a list of {"type": "function", "function": {...}} definitions'));
        ok = false;
      }
      draft.tools = v === null ? null : JSON.stringify(v);
      draft.passthrough = false;
      continue;
    }
    if (ctx.strictOpenai && !OPENAI_TOP_KEYS.has(k)) {
      issues.push(recordIssue('warning', 'strict_openai_extra_key', k, `top-level key "${k}" is not part of OpenAI's format`, "tunebench keeps it as a metadata column; OpenAI's fine-tuning API rejects files with extra keys (export with only messages)"));
    }
    if (v !== null && typeof v !== 'string') draft.passthrough = false;
    if (!addMetadata(draft, k, v, ctx, issues)) draft.passthrough = false;
  }
  return { draft: ok ? draft : null, issues };
}
