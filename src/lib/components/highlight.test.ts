import { describe, expect, it } from 'vitest';
import { splitMatches } from './highlight.ts';

describe('splitMatches', () => {
  it('marks every case-insensitive match and keeps the text intact', () => {
    const parts = splitMatches('Refund my refund, REFUNDS!', 'refund');
    expect(parts.filter((p) => p.match).map((p) => p.text)).toEqual(['Refund', 'refund', 'REFUND']);
    expect(parts.map((p) => p.text).join('')).toBe('Refund my refund, REFUNDS!');
  });
  it('returns the text whole without a query or without hits', () => {
    expect(splitMatches('abc', '')).toEqual([{ text: 'abc', match: false }]);
    expect(splitMatches('abc', 'x')).toEqual([{ text: 'abc', match: false }]);
  });
});
