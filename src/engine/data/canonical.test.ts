import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { conversationId, conversationIdSql, derivedColumnsSql, derivedJson, isTrainable } from './canonical.ts';
import { queryRows, sqlString } from './duckdb.ts';
import { MESSAGE_STRUCT, type CanonicalMessage } from './schema.ts';

const msg = (role: CanonicalMessage['role'], content: string | null, extra: Partial<CanonicalMessage> = {}): CanonicalMessage => ({
  role,
  content,
  weight: null,
  name: null,
  tool_calls: null,
  tool_call_id: null,
  function_call: null,
  ...extra
});

/** The SQL value of a canonical messages list and tools, as a DuckDB literal. */
function literal(messages: CanonicalMessage[], tools: string | null): string {
  const s = (v: string | null) => (v === null ? 'NULL' : sqlString(v));
  const items = messages.map(
    (m) => `{'role': ${s(m.role)}, 'content': ${s(m.content)}, 'weight': ${m.weight === null ? 'NULL' : m.weight}::TINYINT, 'name': ${s(m.name)}, 'tool_calls': ${s(m.tool_calls)}, 'tool_call_id': ${s(m.tool_call_id)}, 'function_call': ${s(m.function_call)}}`
  );
  return `SELECT CAST([${items.join(', ')}] AS ${MESSAGE_STRUCT}[]) AS messages, CAST(${s(tools)} AS VARCHAR) AS tools`;
}

describe('conversationId', () => {
  it('is 32 hex digits and depends on content, not on metadata', () => {
    const a = conversationId([msg('user', 'hi'), msg('assistant', 'hello')], null);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(conversationId([msg('user', 'hi'), msg('assistant', 'hello')], null)).toBe(a);
    expect(conversationId([msg('user', 'hi'), msg('assistant', 'hello!')], null)).not.toBe(a);
    expect(conversationId([msg('user', 'hi'), msg('assistant', 'hello')], '[]')).not.toBe(a);
  });

  it('treats the default weight and an explicit 1 on an assistant turn alike, and weight 0 differently', () => {
    const base = conversationId([msg('user', 'q'), msg('assistant', 'a')], null);
    expect(conversationId([msg('user', 'q'), msg('assistant', 'a', { weight: 1 })], null)).toBe(base);
    expect(conversationId([msg('user', 'q'), msg('assistant', 'a', { weight: 0 })], null)).not.toBe(base);
  });

  it('separates fields unambiguously (null vs empty, field boundaries)', () => {
    const ids = new Set([
      conversationId([msg('assistant', null, { tool_calls: '[]' })], null),
      conversationId([msg('assistant', '', { tool_calls: '[]' })], null),
      conversationId([msg('user', 'ab'), msg('assistant', 'c')], null),
      conversationId([msg('user', 'a'), msg('assistant', 'bc')], null)
    ]);
    expect(ids.size).toBe(4);
  });

  it('equals the DuckDB expression conversationIdSql() on varied conversations', async () => {
    const text = fc.oneof(fc.constant(null), fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0')), fc.constantFrom('用户:你好', 'émoji 🎉', "it's \"quoted\"", 'a\nb'));
    const message = fc.record({
      role: fc.constantFrom('system', 'user', 'assistant', 'tool', 'function') as fc.Arbitrary<CanonicalMessage['role']>,
      content: text,
      weight: fc.constantFrom(null, 0, 1) as fc.Arbitrary<0 | 1 | null>,
      name: fc.constantFrom(null, 'fn'),
      tool_calls: fc.constantFrom(null, '[{"id":"c1"}]'),
      tool_call_id: fc.constantFrom(null, 'c1'),
      function_call: fc.constantFrom(null, '{"name":"f"}')
    });
    const samples = fc.sample(fc.tuple(fc.array(message, { minLength: 1, maxLength: 5 }), fc.constantFrom(null, '[{"type":"function"}]')), { numRuns: 40, seed: 7 });
    for (const [messages, tools] of samples) {
      const [row] = await queryRows<{ id: string }>(`SELECT ${conversationIdSql('messages', 'tools')} AS id FROM (${literal(messages, tools)})`);
      expect(row.id).toBe(conversationId(messages, tools));
    }
  });
});

describe('derived columns', () => {
  it('count non-system turns, join texts per role and count characters as code points', async () => {
    const messages = [msg('system', 'Be brief.'), msg('user', '你好'), msg('assistant', 'Hi 🎉'), msg('user', 'more'), msg('assistant', null, { tool_calls: '[]' })];
    const [row] = await queryRows<Record<string, unknown>>(`SELECT ${derivedColumnsSql('messages').join(', ')} FROM (${literal(messages, null)})`);
    expect(row).toEqual({ turns: 4, system_text: 'Be brief.', user_text: '你好\nmore', assistant_text: 'Hi 🎉', chars: 9 + 2 + 4 + 4, tokens: null });
  });

  it('derivedJson (JavaScript, used by imports) equals derivedColumnsSql (DuckDB)', async () => {
    const text = fc.oneof(fc.constant(null), fc.string({ maxLength: 8 }), fc.constantFrom('你好', 'emoji 🎉🎉', 'a\nb', '"q"'));
    const message = fc.record({
      role: fc.constantFrom('system', 'user', 'assistant', 'tool') as fc.Arbitrary<CanonicalMessage['role']>,
      content: text,
      weight: fc.constant(null),
      name: fc.constant(null),
      tool_calls: fc.constant(null),
      tool_call_id: fc.constant(null),
      function_call: fc.constant(null)
    });
    for (const messages of fc.sample(fc.array(message, { maxLength: 6 }), { numRuns: 40, seed: 3 })) {
      const [row] = await queryRows<Record<string, unknown>>(`SELECT ${derivedColumnsSql('messages').join(', ')} FROM (${literal(messages, null)})`);
      const plain = messages.every((m) => m.content === null || /^[\x00-\x7f]*$/.test(m.content));
      const safe = !JSON.stringify(messages.map((m) => m.content)).includes('\\');
      for (const quoting of safe ? [false, true] : [false]) {
        const js = JSON.parse(`{${derivedJson(messages, plain, quoting)}}`);
        expect({ turns: js.t, chars: js.c, system_text: js.s, user_text: js.u, assistant_text: js.a }).toEqual({ turns: row.turns, chars: row.chars, system_text: row.system_text, user_text: row.user_text, assistant_text: row.assistant_text });
      }
    }
  });

  it('isTrainable follows effective weights', () => {
    expect(isTrainable([msg('user', 'q'), msg('assistant', 'a')])).toBe(true);
    expect(isTrainable([msg('user', 'q'), msg('assistant', 'a', { weight: 0 })])).toBe(false);
    expect(isTrainable([msg('user', 'q', { weight: 1 }), msg('assistant', 'a', { weight: 0 })])).toBe(true);
  });
});
