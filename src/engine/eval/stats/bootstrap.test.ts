import { describe, expect, it } from 'vitest';
import { bootstrapCI, pairedBootstrap } from './bootstrap.ts';
import { seededPrng } from './prng.ts';
import { bleuResamplable, chrfResamplable, meanResamplable, perplexityResamplable } from './resamplable.ts';
import { bleuStatistics, corpusBleu, resolveBleuOptions } from '../bleu/bleu.ts';
import { chrfStatistics, corpusChrf, resolveChrfOptions } from '../chrf/chrf.ts';

const refs = [
  'the cat sat on the mat',
  'a quick brown fox jumps over the lazy dog',
  'we will refund your order within five days',
  'please reset your password from the settings page',
  'the meeting is moved to tuesday afternoon',
  'your package has been shipped today',
  'thank you for contacting customer support',
  'i can help you cancel the subscription'
];
const good = refs.map((r, i) => (i % 3 === 0 ? r.replace('the', 'a') : r));
const bad = refs.map((r) => r.split(' ').reverse().join(' '));
const segRefs = refs.map((r) => [r]);

describe('seeded PRNG', () => {
  it('is deterministic per seed and roughly uniform', () => {
    const a = seededPrng(12345);
    const b = seededPrng(12345);
    const xs = Array.from({ length: 10000 }, () => a.nextInt(10));
    expect(Array.from({ length: 10000 }, () => b.nextInt(10))).toEqual(xs);
    expect(seededPrng(1).nextUint32()).not.toBe(seededPrng(2).nextUint32());
    const counts = new Array(10).fill(0);
    for (const x of xs) counts[x]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});

describe('bootstrap CI', () => {
  it('recomputes BLEU from per-segment statistics: full-set score equals corpus BLEU, CI brackets it', () => {
    const st = bleuStatistics(good, segRefs, resolveBleuOptions(undefined, 'corpus'));
    const ci = bootstrapCI(bleuResamplable(st), { resamples: 300 });
    expect(ci.score).toBe(corpusBleu(good, segRefs).score);
    expect(ci.lower).toBeLessThanOrEqual(ci.upper);
    expect(ci.lower).toBeLessThanOrEqual(ci.score + 1e-9);
    expect(ci.halfWidth).toBeCloseTo((ci.upper - ci.lower) / 2, 12);
    expect(bootstrapCI(bleuResamplable(st), { resamples: 300 })).toEqual(ci); // same seed → same result
    expect(bootstrapCI(bleuResamplable(st), { resamples: 300, seed: 7 }).mean).not.toBe(ci.mean);
  });

  it('chrF and mean metrics', () => {
    const st = chrfStatistics(good, segRefs, resolveChrfOptions());
    expect(bootstrapCI(chrfResamplable(st), { resamples: 50 }).score).toBe(corpusChrf(good, segRefs).score);
    const m = bootstrapCI(meanResamplable([1, 0, 1, 1]), { resamples: 200 });
    expect(m.score).toBe(0.75);
    expect(m.lower).toBeGreaterThanOrEqual(0);
    expect(m.upper).toBeLessThanOrEqual(1);
    expect(bootstrapCI(perplexityResamplable([{ lossSum: Math.log(4) * 10, tokens: 10 }]), { resamples: 10 }).score).toBeCloseTo(4, 12);
  });

  it('a constant metric has a zero-width interval', () => {
    const ci = bootstrapCI(meanResamplable([0.5, 0.5, 0.5]), { resamples: 100 });
    expect(ci.lower).toBe(0.5);
    expect(ci.upper).toBe(0.5);
  });
});

describe('paired bootstrap', () => {
  const o = resolveBleuOptions(undefined, 'corpus');
  const base = bleuResamplable(bleuStatistics(bad, segRefs, o));
  const sys = bleuResamplable(bleuStatistics(good, segRefs, o));

  it('finds a large improvement significant', () => {
    const r = pairedBootstrap(base, sys, { resamples: 1000 });
    expect(r.delta).toBeGreaterThan(30);
    expect(r.pValue).toBeLessThan(0.01);
    expect(r.systemCI.resamples).toBe(1000);
  });

  it('finds a system against itself not significant (p = 1)', () => {
    const r = pairedBootstrap(sys, sys, { resamples: 500 });
    expect(r.delta).toBe(0);
    expect(r.pValue).toBe(1);
  });

  it('refuses sets of different sizes', () => {
    expect(() => pairedBootstrap(meanResamplable([1, 2]), meanResamplable([1]))).toThrow(/segments/);
  });
});
