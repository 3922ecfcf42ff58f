/**
 * Prompt/completion format: {"prompt": "...", "completion": "..."} per record, the legacy OpenAI
 * completion fine-tuning shape. It becomes a user turn and an assistant turn; no separators or
 * stop sequences are added or stripped. Other keys become metadata columns.
 */
import type { RecordIssue } from '../validate/json-record.ts';
import { guessRecordFormat } from './openai.ts';
import { addMetadata, checkText, isPlainObject, recordIssue, typeName, type Draft, type RecordContext, type RecordResult } from './types.ts';

function field(value: Record<string, unknown>, key: 'prompt' | 'completion', issues: RecordIssue[]): string | null {
  const v = value[key];
  if (v === undefined) {
    const looks = guessRecordFormat(value);
    const hint = looks && looks !== 'prompt-completion' ? `this record looks like ${looks}, not prompt/completion` : `each record needs "prompt" and "completion" strings`;
    issues.push(recordIssue('error', `missing_${key}`, key, `no "${key}" key (keys: ${Object.keys(value).slice(0, 5).map((k) => JSON.stringify(k)).join(', ')})`, hint));
    return null;
  }
  if (typeof v !== 'string') {
    issues.push(recordIssue('error', 'invalid_field_type', key, `"${key}" is ${typeName(v)}, not a string`, `${key} must be a single string`));
    return null;
  }
  return checkText(v, key, issues) ? v : null;
}

export function promptCompletionRecord(value: unknown, ctx: RecordContext): RecordResult {
  const issues: RecordIssue[] = [];
  if (!isPlainObject(value)) {
    issues.push(recordIssue('error', 'data_type', '', `the record is ${typeName(value)}, not a JSON object`, 'each record must be an object like {"prompt": "...", "completion": "..."}'));
    return { draft: null, issues };
  }
  const prompt = field(value, 'prompt', issues);
  const completion = field(value, 'completion', issues);
  if (prompt === null || completion === null) return { draft: null, issues, looksLike: guessRecordFormat(value) };
  const draft: Draft = {
    messages: [
      { role: 'user', content: prompt, weight: null, name: null, tool_calls: null, tool_call_id: null, function_call: null },
      { role: 'assistant', content: completion, weight: null, name: null, tool_calls: null, tool_call_id: null, function_call: null }
    ],
    tools: null,
    metadata: new Map(),
    passthrough: false
  };
  for (const k in value) if (k !== 'prompt' && k !== 'completion') addMetadata(draft, k, value[k], ctx, issues);
  return { draft, issues };
}
