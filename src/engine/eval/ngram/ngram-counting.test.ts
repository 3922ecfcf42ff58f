/**
 * The packed-key n-gram machinery against a naive Counter-style implementation (string n-gram
 * keys in a Map), on random token sequences — including alphabets large enough to force the
 * interned-pair key path.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NgramMatcher, emptyMatchCounts } from '../bleu/bleu-stats.ts';
import { CountTable } from './count-table.ts';

function naiveCounts(tokens: string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const k = tokens.slice(i, i + n).join('\u0001');
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function naiveMatch(hyp: string[], refs: string[][], maxOrder: number) {
  const correct: number[] = [];
  const total: number[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const maxRef = new Map<string, number>();
    for (const r of refs) for (const [k, c] of naiveCounts(r, n)) maxRef.set(k, Math.max(maxRef.get(k) ?? 0, c));
    let c = 0;
    let t = 0;
    for (const [k, hc] of naiveCounts(hyp, n)) {
      t += hc;
      c += Math.min(hc, maxRef.get(k) ?? 0);
    }
    correct.push(c);
    total.push(t);
  }
  return { correct, total, refLens: refs.map((r) => r.length), hypLen: hyp.length };
}

const seq = (alphabet: number, maxLen: number) => fc.array(fc.integer({ min: 0, max: alphabet - 1 }).map((i) => `w${i}`), { maxLength: maxLen });

describe('NgramMatcher', () => {
  it('matches a naive clipped count (small alphabets, packed keys)', () => {
    const matcher = new NgramMatcher(4);
    const out = emptyMatchCounts(4);
    fc.assert(
      fc.property(seq(6, 30), fc.array(seq(6, 30), { minLength: 1, maxLength: 3 }), (hyp, refs) => {
        matcher.match(hyp, refs, out);
        expect({ correct: out.correct, total: out.total, refLens: out.refLens, hypLen: out.hypLen }).toEqual(naiveMatch(hyp, refs, 4));
      }),
      { numRuns: 300 }
    );
  });

  it('matches a naive clipped count when the alphabet is too large for packed keys', () => {
    // 6-grams over > 452 distinct symbols: (A+1)^6 > 2^53 forces the interned-pair keys.
    const matcher = new NgramMatcher(6);
    const out = emptyMatchCounts(6);
    fc.assert(
      fc.property(seq(2000, 700), seq(2000, 700), (a, b) => {
        const hyp = [...a, ...b.slice(0, 50)];
        const refs = [[...b, ...a.slice(0, 50)]];
        matcher.match(hyp, refs, out);
        expect({ correct: out.correct, total: out.total }).toEqual((({ correct, total }) => ({ correct, total }))(naiveMatch(hyp, refs, 6)));
      }),
      { numRuns: 20 }
    );
  });
});

describe('CountTable', () => {
  it('counts, raises, takes and clears like a Map, across growth', () => {
    const t = new CountTable(16);
    const ref = new Map<number, number>();
    for (let i = 0; i < 5000; i++) {
      const k = (i * 7919) % 1500 + 2 ** 40;
      t.add(k);
      ref.set(k, (ref.get(k) ?? 0) + 1);
    }
    expect(t.size).toBe(ref.size);
    for (const [k, c] of ref) expect(t.get(k)).toBe(c);
    t.raiseTo(2 ** 40, 99);
    expect(t.get(2 ** 40)).toBe(99);
    expect(t.take(2 ** 40 + 1)).toBe(true);
    expect(t.get(2 ** 40 + 1)).toBe(ref.get(2 ** 40 + 1)! - 1);
    expect(t.take(123)).toBe(false);
    t.clear();
    expect(t.size).toBe(0);
    expect(t.get(2 ** 40)).toBe(0);
  });
});
