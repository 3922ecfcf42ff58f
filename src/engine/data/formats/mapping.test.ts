import { describe, expect, it } from 'vitest';
import { canBeMapped, formatMapping, mapRow, parseMapping, resolveMapping } from './mapping.ts';

describe('column mapping', () => {
  it('parses target=column lists, with quoted literal text', () => {
    expect(parseMapping('user=instruction,assistant=response,intent=intent')).toEqual({ user: 'instruction', assistant: 'response', intent: 'intent' });
    expect(parseMapping('system="Be brief, please.",user=q,assistant=a')).toEqual({ system: '"Be brief, please."', user: 'q', assistant: 'a' });
    expect(() => parseMapping('user')).toThrow(/--map/);
    expect(() => parseMapping('user=')).toThrow(/names no column/);
  });

  it('names the mapping in its messages as the caller calls it', () => {
    expect(() => parseMapping('user')).toThrow("cannot read --map at 'user'");
    expect(() => parseMapping('user', 'mapping')).toThrow("cannot read mapping at 'user': expected target=column[,target=column...]");
    expect(() => parseMapping('user= ,assistant=a', 'mapping')).toThrow('mapping user= names no column');
  });

  it('writes a mapping that parses back to itself; names with a comma or edge spaces cannot be written', () => {
    const m = { system: JSON.stringify('Be brief, "please".\nThanks'), user: 'my question', assistant: 'a=b', intent: 'label' };
    expect(formatMapping(m)).toBe('system="Be brief, \\"please\\".\\nThanks",user=my question,assistant=a=b,intent=label');
    expect(parseMapping(formatMapping(m))).toEqual(m);
    expect(['q', 'my question', 'a=b', 'x"y'].every(canBeMapped)).toBe(true);
    expect(['', ' q', 'q ', 'a,b', '"quoted"'].some(canBeMapped)).toBe(false);
  });

  it('checks explicit mappings against the columns', () => {
    expect(resolveMapping(['q', 'a'], { user: 'q', assistant: 'A' }).errors[0]).toMatch(/no column 'A' \(did you mean 'a'\?\)/);
    expect(resolveMapping(['q', 'a'], { user: 'q' }).errors).toEqual(['--map needs user= and assistant= (or messages=)']);
  });

  it('guesses common column names and keeps the others as metadata', () => {
    const m = resolveMapping(['instruction', 'response', 'intent', 'turns'], undefined);
    expect(m.mapping).toEqual({ user: 'instruction', assistant: 'response' });
    expect(m.passthroughColumns).toEqual(['intent']);
    expect(resolveMapping(['foo', 'bar'], undefined).errors[0]).toMatch(/--map user=COLUMN,assistant=COLUMN/);
  });

  it('builds an OpenAI record from a row', () => {
    const m = resolveMapping(['q', 'a', 'cat'], { system: '"Be brief."', user: 'q', assistant: 'a', intent: 'cat' });
    expect(mapRow({ q: 'Hi', a: 'Hello', cat: 'billing' }, m)).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' }
      ],
      intent: 'billing'
    });
    const canon = resolveMapping(['conversation_id', 'messages', 'tools', 'intent', 'turns'], undefined);
    expect(canon.mapping).toEqual({ messages: 'messages' });
    expect(canon.passthroughColumns).toEqual(['tools', 'intent']);
  });
});
