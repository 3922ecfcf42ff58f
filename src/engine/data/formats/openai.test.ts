import { describe, expect, it } from 'vitest';
import { openaiRecord } from './openai.ts';
import { ColumnNamer, type RecordContext } from './types.ts';

const ctx = (over: Partial<RecordContext> = {}): RecordContext => ({ strictOpenai: false, columns: new ColumnNamer(), ...over });
const codes = (v: unknown, c = ctx()) => openaiRecord(v, c).issues.map((i) => `${i.severity}:${i.code}:${i.path}`);
const sys = { role: 'system', content: 'Be helpful.' };
const user = { role: 'user', content: 'Hi' };
const asst = { role: 'assistant', content: 'Hello' };

describe('openai format: the cookbook checks', () => {
  it('data_type / missing_messages_list / messages_not_a_list', () => {
    expect(codes([1])).toEqual(['error:data_type:']);
    expect(codes({ prompt: 'a', completion: 'b' })).toEqual(['error:missing_messages_list:messages']);
    expect(openaiRecord({ prompt: 'a', completion: 'b' }, ctx()).looksLike).toBe('prompt-completion');
    expect(codes({ messages: [] })).toEqual(['error:missing_messages_list:messages']);
    expect(codes({ messages: null })).toEqual(['error:missing_messages_list:messages']);
    expect(codes({ messages: { role: 'user' } })).toEqual(['error:messages_not_a_list:messages']);
  });

  it('message_missing_key / message_unrecognized_key / unrecognized_role / missing_content', () => {
    expect(codes({ messages: [sys, { content: 'x' }, asst] })).toEqual(['error:message_missing_key:messages[1]']);
    expect(codes({ messages: [sys, user, { role: 'assistant' }] })).toEqual(['error:message_missing_key:messages[2]']);
    expect(codes({ messages: [sys, { ...user, timestamp: 1 }, asst] })).toEqual(['error:message_unrecognized_key:messages[1].timestamp']);
    expect(codes({ messages: [sys, user, { role: 'bot', content: 'x' }] })).toEqual(['error:unrecognized_role:messages[2].role', 'error:example_missing_assistant_message:messages']);
    expect(codes({ messages: [sys, user, { role: 'assistant', content: '' }] })).toEqual(['error:missing_content:messages[2].content']);
    expect(codes({ messages: [sys, user, { role: 'assistant', content: 5 }] })).toEqual(['error:missing_content:messages[2].content']);
    expect(codes({ messages: [sys, user, { role: 'assistant', content: '  \n' }] })).toEqual(['error:whitespace_only_content:messages[2].content']);
  });

  it('example_missing_assistant_message and the notebook warnings', () => {
    expect(codes({ messages: [sys, user] })).toEqual(['error:example_missing_assistant_message:messages']);
    expect(codes({ messages: [user, asst] })).toEqual(['warning:missing_system_message:messages']);
    expect(codes({ messages: [sys, asst] })).toEqual(['warning:missing_user_message:messages']);
    expect(codes({ messages: [sys, user, { ...asst, weight: 0 }] })).toEqual(['warning:no_trainable_turn:messages']);
    expect(codes({ messages: [sys, user, { ...asst, weight: 2 }] })).toEqual(['error:invalid_weight:messages[2].weight']);
  });

  it('accepts tools, tool_calls with null content and tool messages; warns on function_call', () => {
    const call = { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] };
    const r = openaiRecord({ messages: [sys, user, call, { role: 'tool', tool_call_id: 'c1', content: '{}' }, asst], tools: [{ type: 'function' }] }, ctx());
    expect(r.issues.map((i) => i.code)).toEqual(['uses_tools']);
    expect(r.draft!.tools).toBe('[{"type":"function"}]');
    expect(r.draft!.messages[2]).toMatchObject({ content: null, tool_calls: JSON.stringify(call.tool_calls) });
    expect(r.draft!.passthrough).toBe(false);
    const legacy = { messages: [sys, user, { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } }, { role: 'function', name: 'f', content: '{}' }, asst] };
    expect(codes(legacy)).toEqual(['warning:deprecated_function_call:messages[2].function_call']);
  });

  it('keeps extra top-level keys as metadata; strict mode flags them', () => {
    const r = openaiRecord({ messages: [sys, user, asst], intent: 'billing', n: 3 }, ctx());
    expect([...r.draft!.metadata]).toEqual([
      ['intent', 'billing'],
      ['n', '3']
    ]);
    expect(r.draft!.passthrough).toBe(false); // a number needs conversion to text
    expect(openaiRecord({ messages: [sys, user, asst], intent: 'billing' }, ctx()).draft!.passthrough).toBe(true);
    expect(codes({ messages: [sys, user, asst], intent: 'x' }, ctx({ strictOpenai: true }))).toEqual(['warning:strict_openai_extra_key:intent']);
  });

  it('renames metadata keys that cannot be columns, once per scan', () => {
    const c = ctx();
    const r = openaiRecord({ messages: [sys, user, asst], turns: '3', 'my key': 'v' }, c);
    expect([...r.draft!.metadata.keys()]).toEqual(['meta_turns', 'my_key']);
    expect(r.issues.map((i) => i.code)).toEqual(['metadata_renamed', 'metadata_renamed']);
    expect(openaiRecord({ messages: [sys, user, asst], turns: '4' }, c).issues).toEqual([]);
  });
});
