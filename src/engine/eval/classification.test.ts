import { describe, expect, it } from 'vitest';
import { classificationReport, NO_PREDICTION } from './classification.ts';
import { exactMatch } from './exact-match.ts';
import { exampleTokenStats, meanTokenAccuracy, perplexity } from './token-stats.ts';

describe('intent classification', () => {
  it('matches scikit-learn’s documented f1_score example (macro ≈ 0.267, accuracy 1/3)', () => {
    // sklearn.metrics.f1_score docstring: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1].
    const r = classificationReport(['0', '1', '2', '0', '1', '2'], ['0', '2', '1', '0', '0', '1']);
    expect(r.macroF1).toBeCloseTo(0.26666666666666666, 12);
    expect(r.accuracy).toBeCloseTo(1 / 3, 12);
    expect(r.perLabel.map((l) => l.f1)).toEqual([0.8, 0, 0]);
    expect(r.confusion).toEqual([
      [2, 0, 0],
      [1, 0, 1],
      [0, 2, 0]
    ]);
  });

  it('a missing prediction is its own label and a wrong guess lowers precision', () => {
    const r = classificationReport(['refund', 'refund', 'cancel'], ['refund', null, 'refund']);
    expect(r.labels).toEqual([NO_PREDICTION, 'cancel', 'refund']);
    const refund = r.perLabel.find((l) => l.label === 'refund')!;
    expect(refund).toEqual({ label: 'refund', precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(r.accuracy).toBeCloseTo(1 / 3, 12);
    expect(() => classificationReport(['a'], [])).toThrow(/1 gold labels but 0/);
  });
});

describe('exact match', () => {
  it('matches any reference after whitespace normalisation; case matters unless asked', () => {
    const r = exactMatch(['Hello  world ', 'Bye', 'yes'], [['hello world', 'Hello world'], [null, 'bye'], ['no']]);
    expect(r.segments).toEqual([true, false, false]);
    expect(r.score).toBeCloseTo(1 / 3, 12);
    expect(exactMatch(['Bye'], [['bye']], { lowercase: true }).score).toBe(1);
  });
});

describe('perplexity and token accuracy', () => {
  it('uniform loss log(V) gives perplexity V; token-weighted pooling', () => {
    const a = exampleTokenStats([Math.log(8), Math.log(8)], [true, false]);
    const b = exampleTokenStats([Math.log(2)], [1]);
    const p = perplexity([a, b]);
    expect(p.tokens).toBe(3);
    expect(p.meanLoss).toBeCloseTo((2 * Math.log(8) + Math.log(2)) / 3, 12);
    expect(p.perplexity).toBeCloseTo(Math.exp((2 * Math.log(8) + Math.log(2)) / 3), 10);
    expect(perplexity([exampleTokenStats(new Array(100).fill(Math.log(50)))]).perplexity).toBeCloseTo(50, 9);
    expect(meanTokenAccuracy([a, b])).toEqual({ accuracy: 2 / 3, correct: 2, tokens: 3 });
    expect(() => meanTokenAccuracy([{ lossSum: 1, tokens: 1 }])).toThrow(/correct/);
    expect(Number.isNaN(perplexity([]).perplexity)).toBe(true);
  });
});
