import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseJsonRecord } from './json-record.ts';
import { scanJson } from './json-scan.ts';

const codes = (t: string, ascii = true) => parseJsonRecord(t, ascii).issues.map((i) => i.code);

describe('parseJsonRecord', () => {
  it('parses clean records without issues', () => {
    const r = parseJsonRecord('{"messages":[{"role":"user","content":"a: b"}],"intent":"x"}', true);
    expect(r.issues).toEqual([]);
    expect(r.value).toEqual({ messages: [{ role: 'user', content: 'a: b' }], intent: 'x' });
  });

  it('finds duplicate keys that JSON.parse drops', () => {
    expect(codes('{"a":1,"a":2}')).toEqual(['duplicate_key']);
    expect(codes('{"m":[{"content":"x: y","content":"z"}]}')).toEqual(['duplicate_key']);
    // An escaped colon must not hide a duplicate.
    expect(codes('{"a":"\\u003a","b":1,"b":2}')).toEqual(['duplicate_key']);
    expect(codes('{"a":"\\u003a"}')).toEqual([]);
  });

  it('agrees with the strict scanner on random objects with and without duplicate keys', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'role', 'content', 'a:b', ':');
    const leaf = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null), fc.constantFrom('x:y', '::', 'q'));
    // Objects as lists of entries so that duplicates can occur, serialised by hand.
    const obj: fc.Arbitrary<string> = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf.map((v) => JSON.stringify(v)), tie('object'), fc.array(tie('value') as fc.Arbitrary<string>, { maxLength: 3 }).map((xs) => `[${xs.join(',')}]`)),
      object: fc.array(fc.tuple(key, tie('value') as fc.Arbitrary<string>), { maxLength: 4 }).map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`)
    })).object;
    fc.assert(
      fc.property(obj, (text) => {
        const expected = scanJson(text).duplicates.length > 0;
        expect(codes(text).includes('duplicate_key')).toBe(expected);
      }),
      { numRuns: 400, seed: 42 }
    );
  });

  it('rejects nesting past the limit, found by the walk after JSON.parse succeeded', () => {
    const deep = `{"messages":[],"metadata":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    const r = parseJsonRecord(deep, true);
    expect(r.issues.map((i) => i.code)).toEqual(['nesting_too_deep']);
    expect(r.issues[0].path.startsWith('metadata.a.a')).toBe(true);
  });

  it('checks decoded strings: NUL, lone surrogates, control and invisible characters', () => {
    expect(codes('{"c":"x\\u0000"}')).toEqual(['nul_char']);
    expect(codes('{"c":"x\\ud83d"}')).toEqual(['lone_surrogate']);
    expect(codes('{"c":"x\\ud83d\\ude00"}')).toEqual([]);
    expect(codes('{"c":"red \\u001b[31m"}')).toEqual(['control_char_in_content']);
    expect(codes('{"c":"a\u200bb"}', false)).toEqual(['invisible_chars']);
    const r = parseJsonRecord('{"m":[{"c":"ok"},{"c":"x\\u0000"}]}', true);
    expect(r.issues[0].path).toBe('m[1].c');
  });

  it('reports syntax errors with their offset', () => {
    const r = parseJsonRecord('{"a": [1, 2,]}', true);
    expect(r.value).toBeUndefined();
    expect(r.issues).toMatchObject([{ code: 'json_trailing_comma', offset: 11 }]);
  });
});
