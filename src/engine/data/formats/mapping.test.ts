import { describe, expect, it } from 'vitest';
import { mapRow, parseMapping, resolveMapping } from './mapping.ts';

describe('column mapping', () => {
  it('parses target=column lists, with quoted literal text', () => {
    expect(parseMapping('user=instruction,assistant=response,intent=intent')).toEqual({ user: 'instruction', assistant: 'response', intent: 'intent' });
    expect(parseMapping('system="Be brief, please.",user=q,assistant=a')).toEqual({ system: '"Be brief, please."', user: 'q', assistant: 'a' });
    expect(() => parseMapping('user')).toThrow(/--map/);
    expect(() => parseMapping('user=')).toThrow(/names no column/);
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
