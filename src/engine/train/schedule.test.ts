import { describe, expect, it } from 'vitest';
import { lrAt, warmupSteps, type Schedule } from './schedule.ts';
import { autoBatchSize, autoEpochs, autoLearningRateMultiplier, resolveAuto, BASE_LEARNING_RATE } from './auto.ts';

describe('learning-rate schedule', () => {
  const s = (kind: Schedule['kind'], warmup = 10): Schedule => ({ kind, peak: 1e-3, warmupSteps: warmup, totalSteps: 110, minRatio: 0 });

  it('warms up linearly, reaching the peak after the warmup steps', () => {
    const c = s('cosine');
    expect(lrAt(c, 0)).toBeCloseTo(1e-3 / 11, 12);
    expect(lrAt(c, 4)).toBeCloseTo((5 * 1e-3) / 11, 12);
    expect(lrAt(c, 10)).toBeCloseTo(1e-3, 12);
  });

  it('cosine halves at the midpoint of the decay and ends at zero; linear falls evenly', () => {
    expect(lrAt(s('cosine'), 60)).toBeCloseTo(5e-4, 12);
    expect(lrAt(s('cosine'), 110)).toBeCloseTo(0, 12);
    expect(lrAt(s('linear'), 35)).toBeCloseTo(7.5e-4, 12);
    expect(lrAt(s('linear'), 110)).toBeCloseTo(0, 12);
    expect(lrAt(s('constant'), 100)).toBe(1e-3);
    expect(lrAt({ ...s('cosine'), minRatio: 0.1 }, 110)).toBeCloseTo(1e-4, 12);
  });

  it('turns a warmup ratio into steps and never warms up through the whole run', () => {
    expect(warmupSteps({ unit: 'ratio', value: 0.03 }, 200)).toBe(6);
    expect(warmupSteps({ unit: 'steps', value: 100 }, 12)).toBe(11);
    expect(warmupSteps({ unit: 'steps', value: 0 }, 12)).toBe(0);
  });
});

describe("OpenAI's auto hyperparameters", () => {
  it('n_epochs follows the cookbook: 3, raised to reach 100 examples (max 25), lowered to 25,000', () => {
    expect(autoEpochs(40)).toBe(3); // 120 ≥ 100
    expect(autoEpochs(30)).toBe(3); // 90 < 100 → ⌊100/30⌋ = 3
    expect(autoEpochs(20)).toBe(5);
    expect(autoEpochs(5)).toBe(20);
    expect(autoEpochs(2)).toBe(25); // ⌊100/2⌋ = 50, capped
    expect(autoEpochs(8000)).toBe(3); // 24,000 ≤ 25,000
    expect(autoEpochs(10_000)).toBe(2);
    expect(autoEpochs(30_000)).toBe(1);
  });

  it('batch_size is ~0.2% of the examples as a power of two in [1, 256]', () => {
    expect(autoBatchSize(100)).toBe(1);
    expect(autoBatchSize(1000)).toBe(2);
    expect(autoBatchSize(5000)).toBe(8); // 10 → 2^3
    expect(autoBatchSize(13_000)).toBe(32); // 26 → 2^5 (log2 26 ≈ 4.7)
    expect(autoBatchSize(1_000_000)).toBe(256);
  });

  it('the learning-rate multiplier grows with the batch size and scales the base rate', () => {
    expect([1, 4, 8, 64, 128].map(autoLearningRateMultiplier)).toEqual([0.05, 0.05, 0.1, 0.1, 0.2]);
    const r = resolveAuto({ epochs: 'auto', batch_size: 'auto', learning_rate: { mode: 'multiplier', value: 'auto' } }, 5000, 'lora');
    expect(r).toMatchObject({ epochs: 3, batchSize: 8 });
    expect(r.learningRate).toBeCloseTo(0.1 * BASE_LEARNING_RATE.lora, 12);
    expect(Object.keys(r.auto).sort()).toEqual(['batch_size', 'epochs', 'learning_rate']);
    const fixed = resolveAuto({ epochs: 2, batch_size: 4, learning_rate: { mode: 'fixed', value: 3e-4 } }, 5000, 'full');
    expect(fixed).toMatchObject({ epochs: 2, batchSize: 4, learningRate: 3e-4, auto: {} });
  });
});
