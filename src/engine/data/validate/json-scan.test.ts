import { describe, expect, it } from 'vitest';
import { columnAt, locatePath, scanJson } from './json-scan.ts';

const syntax = (t: string) => scanJson(t).syntax;

describe('scanJson', () => {
  it('accepts valid JSON of every kind', () => {
    for (const t of ['{}', '[]', '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"]}', ' "s" ', '0', '{"a":{"b":{}}}']) expect(syntax(t)).toBeNull();
  });

  it('names the cause and the offset of syntax errors', () => {
    expect(syntax('{"a":1,}')).toMatchObject({ code: 'json_trailing_comma', offset: 6 });
    expect(syntax('[1,2,]')).toMatchObject({ code: 'json_trailing_comma' });
    expect(syntax("{'a': 1}")).toMatchObject({ code: 'json_single_quotes', offset: 1 });
    expect(syntax('{"a": NaN}')).toMatchObject({ code: 'json_nan_infinity', offset: 6, path: 'a' });
    expect(syntax('{"a": -Infinity}')).toMatchObject({ code: 'json_nan_infinity' });
    expect(syntax('// note')).toMatchObject({ code: 'json_comment', offset: 0 });
    expect(syntax('{"a":1}{"b":2}')).toMatchObject({ code: 'json_extra_data', offset: 7 });
    expect(syntax('{"a":[1,2')).toMatchObject({ code: 'json_truncated' });
    expect(syntax('{"a":"x')).toMatchObject({ code: 'json_truncated' });
    expect(syntax('{"a":"x\ty"}')).toMatchObject({ code: 'control_char', offset: 7 });
    expect(syntax('{"a":1}\0\0')).toMatchObject({ code: 'nul_char', offset: 7 });
    expect(syntax('{"a":"\\q"}')).toMatchObject({ code: 'json_syntax' });
    expect(syntax('{"a":01}')).toMatchObject({ code: 'json_syntax' });
  });

  it('reports every duplicate key with its path, which JSON.parse hides', () => {
    const t = '{"messages":[{"role":"user","role":"assistant","content":"x"}],"messages":[]}';
    const r = scanJson(t);
    expect(r.syntax).toBeNull();
    expect(r.duplicates.map((d) => [d.path, d.offset])).toEqual([
      ['messages[0].role', t.indexOf('"role":"assistant"')],
      ['messages', t.lastIndexOf('"messages"')]
    ]);
  });

  it('stops at the depth limit without recursion (10,000 levels)', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const r = scanJson(deep, { maxDepth: 64 });
    expect(r.tooDeep).toMatchObject({ code: 'nesting_too_deep', offset: 64 });
    const deepObj = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    expect(scanJson(deepObj, { maxDepth: 100 }).tooDeep?.code).toBe('nesting_too_deep');
  });

  it('locates field paths', () => {
    const t = '{"messages": [{"role": "user", "content": "hi"}, {"role": "bot"}]}';
    expect(t.slice(locatePath(t, 'messages[1].role'))).toMatch(/^"bot"/);
    expect(locatePath(t, 'messages')).toBe(13);
    expect(locatePath(t, '')).toBe(0);
    expect(locatePath(t, 'nope')).toBe(-1);
  });

  it('columnAt counts code points, not UTF-16 units', () => {
    expect(columnAt('ab', 2)).toBe(3);
    expect(columnAt('🎉x', 2)).toBe(2);
    expect(columnAt('用户', 1)).toBe(2);
  });
});
