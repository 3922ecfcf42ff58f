/**
 * Context/response format, as in the Chinese customer-service example
 * `{"context": "用户:我最近失眠怎么办?", "response": "模型:...", "intent": "...", "style": "..."}`.
 *
 * Speaker prefixes 用户: / User: (user) and 模型: / Assistant: (assistant), with an ASCII or a
 * full-width colon, are recognised and stripped. A multi-line context is a conversation: each line
 * that starts with a prefix opens a turn, other lines continue the previous turn. Assistant turns
 * inside the context get weight 0 (they are context); the response is the trained turn.
 */
import type { CanonicalMessage } from '../schema.ts';
import type { RecordIssue } from '../validate/json-record.ts';
import { guessRecordFormat } from './openai.ts';
import { addMetadata, checkText, isPlainObject, recordIssue, typeName, type Draft, type RecordContext, type RecordResult } from './types.ts';

const PREFIX = /^\s*(用户|User|模型|Assistant)\s*[:：]\s?/i;
/** Speaker-like prefixes tunebench does not interpret; reported so the user can fix them. */
const SUSPECT = /^\s*(助手|客服|机器人|系统|客户|AI|Bot|Agent|Human|Customer|System|Model|Gpt)\s*[:：]/i;

function speaker(word: string): 'user' | 'assistant' {
  return word === '用户' || word.toLowerCase() === 'user' ? 'user' : 'assistant';
}

function message(role: 'user' | 'assistant', content: string, weight: 0 | null): CanonicalMessage {
  return { role, content, weight, name: null, tool_calls: null, tool_call_id: null, function_call: null };
}

/** Splits a context into turns; pushes warnings about prefixes. */
export function parseContext(context: string, issues: RecordIssue[]): CanonicalMessage[] {
  const turns: CanonicalMessage[] = [];
  const lines = context.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const m = PREFIX.exec(line);
    if (m) {
      const role = speaker(m[1]);
      turns.push(message(role, line.slice(m[0].length), role === 'assistant' ? 0 : null));
      continue;
    }
    if (turns.length === 0) {
      const s = SUSPECT.exec(line);
      if (s) issues.push(recordIssue('warning', 'unknown_speaker_prefix', 'context', `the context starts with "${s[0].trim()}", which is not a recognised speaker prefix`, 'use 用户: / User: for the user and 模型: / Assistant: for the assistant; the text was kept as a user turn'));
      else issues.push(recordIssue('warning', 'missing_speaker_prefix', 'context', 'the context has no speaker prefix (用户: or User:)', 'it was read as one user turn; add prefixes to mark a multi-turn context'));
      turns.push(message('user', line, null));
      continue;
    }
    turns[turns.length - 1].content += `\n${line}`;
  }
  return turns;
}

export function contextResponseRecord(value: unknown, ctx: RecordContext): RecordResult {
  const issues: RecordIssue[] = [];
  if (!isPlainObject(value)) {
    issues.push(recordIssue('error', 'data_type', '', `the record is ${typeName(value)}, not a JSON object`, 'each record must be an object like {"context": "用户:...", "response": "模型:..."}'));
    return { draft: null, issues };
  }
  let ok = true;
  const text = (key: 'context' | 'response'): string | null => {
    const v = value[key];
    if (v === undefined) {
      const looks = guessRecordFormat(value);
      issues.push(recordIssue('error', `missing_${key}`, key, `no "${key}" key`, looks && looks !== 'context-response' ? `this record looks like ${looks}, not context/response` : 'each record needs "context" and "response" strings'));
      return null;
    }
    if (typeof v !== 'string') {
      issues.push(recordIssue('error', 'invalid_field_type', key, `"${key}" is ${typeName(v)}, not a string`, `${key} must be a string`));
      return null;
    }
    return checkText(v, key, issues) ? v : null;
  };
  const context = text('context');
  const response = text('response');
  if (context === null || response === null) return { draft: null, issues, looksLike: guessRecordFormat(value) };

  const messages = parseContext(context, issues);
  for (let i = 0; i < messages.length; i++) {
    if (!checkText(messages[i].content ?? '', 'context', issues)) ok = false;
  }
  if (messages.length > 0 && messages[messages.length - 1].role === 'assistant') {
    issues.push(recordIssue('warning', 'context_ends_with_assistant', 'context', 'the context ends with an assistant turn, so the response follows another assistant turn', 'end the context with the user turn the response answers'));
  }
  let answer = response;
  const m = PREFIX.exec(response);
  if (m) {
    if (speaker(m[1]) === 'user') issues.push(recordIssue('warning', 'response_user_prefix', 'response', `the response starts with the user prefix "${m[0].trim()}"`, 'the response is the assistant turn: prefix it with 模型: or Assistant:'));
    answer = response.slice(m[0].length);
  } else {
    const s = SUSPECT.exec(response);
    if (s) issues.push(recordIssue('warning', 'unknown_speaker_prefix', 'response', `the response starts with "${s[0].trim()}", which is not a recognised speaker prefix`, 'use 模型: or Assistant:; the prefix was kept as part of the text'));
  }
  if (!checkText(answer, 'response', issues)) ok = false;
  messages.push(message('assistant', answer, null));

  const draft: Draft = { messages, tools: null, metadata: new Map(), passthrough: false };
  for (const k in value) {
    if (k === 'context' || k === 'response') continue;
    const v = value[k];
    if ((k === 'intent' || k === 'style') && v === null) {
      issues.push(recordIssue('warning', 'metadata_missing', k, `"${k}" is null`, `the ${k} column will be NULL for this row; filters and stratified splits on ${k} will skip it`));
    } else if ((k === 'intent' || k === 'style') && typeof v !== 'string') {
      issues.push(recordIssue('warning', 'metadata_not_string', k, `"${k}" is ${typeName(v)}, not a string`, `stored as the text ${JSON.stringify(JSON.stringify(v))}`));
    }
    addMetadata(draft, k, v, ctx, issues);
  }
  return { draft: ok ? draft : null, issues };
}
