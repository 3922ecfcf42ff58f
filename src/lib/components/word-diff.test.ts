import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffWords, disagreement, tokenize, type DiffPart } from './word-diff.ts';

const side = (parts: DiffPart[], keep: 'delete' | 'insert') =>
  parts
    .filter((p) => p.op === 'equal' || p.op === keep)
    .map((p) => p.text)
    .join('');

describe('word diff', () => {
  it('marks replaced words, old before new, with shared whitespace inside the change', () => {
    expect(diffWords('the cat sat on the mat', 'the dog sat on a mat')).toEqual([
      { op: 'equal', text: 'the ' },
      { op: 'delete', text: 'cat' },
      { op: 'insert', text: 'dog' },
      { op: 'equal', text: ' sat on ' },
      { op: 'delete', text: 'the' },
      { op: 'insert', text: 'a' },
      { op: 'equal', text: ' mat' }
    ]);
    expect(diffWords('same text', 'same text')).toEqual([{ op: 'equal', text: 'same text' }]);
    expect(diffWords('', 'new words')).toEqual([{ op: 'insert', text: 'new words' }]);
  });

  it('tokenizes Chinese per character and keeps words and punctuation apart', () => {
    expect(tokenize('建议你 check it, ok?')).toEqual(['建', '议', '你', ' ', 'check', ' ', 'it', ',', ' ', 'ok', '?']);
    expect(diffWords('根据研究', '根据调查')).toEqual([
      { op: 'equal', text: '根据' },
      { op: 'delete', text: '研究' },
      { op: 'insert', text: '调查' }
    ]);
  });

  it('always rebuilds both texts exactly from the parts', () => {
    const words = fc.constantFrom('a', 'b', 'the', 'cat', '研', '究', ' ', '  ', '\n', ',', 'ok');
    fc.assert(
      fc.property(fc.array(words, { maxLength: 40 }), fc.array(words, { maxLength: 40 }), (wa, wb) => {
        const a = wa.join('');
        const b = wb.join('');
        const parts = diffWords(a, b);
        expect(side(parts, 'delete')).toBe(a);
        expect(side(parts, 'insert')).toBe(b);
        expect(parts.every((p) => p.text.length > 0)).toBe(true);
      }),
      { numRuns: 300 }
    );
  });

  it('measures disagreement from 0 (same words) to 1 (nothing shared)', () => {
    expect(disagreement('a b c', 'a  b   c')).toBe(0);
    expect(disagreement('a b c d', 'w x y z')).toBe(1);
    expect(disagreement('a b c d', 'a b y z')).toBeCloseTo(0.5);
    expect(disagreement('', '')).toBe(0);
  });

  it('stays fast on long, different outputs', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `w${i % 97}`).join(' ');
    const b = Array.from({ length: 3000 }, (_, i) => `w${(i * 7) % 89}`).join(' ');
    const t0 = performance.now();
    const parts = diffWords(a, b);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(side(parts, 'delete')).toBe(a);
    expect(side(parts, 'insert')).toBe(b);
  });
});
