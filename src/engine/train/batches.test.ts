import { describe, expect, it } from 'vitest';
import { buildMicroBatch, lossWeights, planEpoch, type BatchOptions } from './batches.ts';
import type { Example } from './data.ts';

/** Example i has length 3 + (i·7 mod 13); its last two tokens are targets. */
function examples(n: number): Example[] {
  return Array.from({ length: n }, (_, i) => {
    const len = 3 + ((i * 7) % 13);
    const ids = Int32Array.from({ length: len }, (_, t) => 100 + i * 20 + t);
    const mask = new Uint8Array(len);
    mask[len - 1] = mask[len - 2] = 1;
    return { ids, mask, targets: 2 };
  });
}

const flat = (plan: number[][][][]) => plan.flat(3).sort((a, b) => a - b);

describe('epoch plans', () => {
  const ex = examples(50);
  const base: BatchOptions = { batching: 'padded', batchSize: 8, gradAccum: 2, maxLength: 40, seed: 1 };

  for (const batching of ['padded', 'bucketed', 'packed'] as const) {
    it(`${batching}: every example exactly once per epoch, reproducibly, reshuffled each epoch`, () => {
      const o = { ...base, batching };
      const p0 = planEpoch(ex, o, 0);
      expect(flat(p0)).toEqual(ex.map((_, i) => i));
      expect(planEpoch(ex, o, 0)).toEqual(p0);
      expect(planEpoch(ex, o, 1)).not.toEqual(p0);
      expect(planEpoch(ex, { ...o, seed: 2 }, 0)).not.toEqual(p0);
      for (const step of p0) expect(step.length).toBeLessThanOrEqual(2);
    });
  }

  it('padded and bucketed steps hold batch_size examples (the last may hold fewer)', () => {
    for (const batching of ['padded', 'bucketed'] as const) {
      const plan = planEpoch(ex, { ...base, batching }, 0);
      expect(plan.length).toBe(Math.ceil(50 / 8));
      expect(plan.filter((s) => s.flat(2).length === 8).length).toBe(6);
    }
  });

  it('bucketed batches group similar lengths: less padding than padded', () => {
    const pad = (batching: 'padded' | 'bucketed') =>
      planEpoch(ex, { ...base, batching, gradAccum: 1 }, 0).reduce((n, [mb]) => {
        const b = buildMicroBatch(ex, mb, 0);
        return n + b.rows * b.width - b.tokens;
      }, 0);
    expect(pad('bucketed')).toBeLessThan(pad('padded') / 2);
  });

  it('packed rows concatenate whole examples up to max_length', () => {
    const plan = planEpoch(ex, { ...base, batching: 'packed', gradAccum: 1 }, 0);
    for (const [mb] of plan) for (const row of mb) {
      const len = row.reduce((n, i) => n + ex[i].ids.length, 0);
      expect(len).toBeLessThanOrEqual(40);
    }
    expect(plan.flat(2).some((row) => row.length > 1)).toBe(true);
  });
});

describe('micro-batches', () => {
  it('right-pads, and counts only each example’s own targets (never a pad, never across a packed boundary)', () => {
    const ex = examples(3);
    const b = buildMicroBatch(ex, [[0, 1], [2]], 7);
    const w0 = ex[0].ids.length;
    const w1 = ex[1].ids.length;
    expect(b.width).toBe(Math.max(w0 + w1, ex[2].ids.length));
    expect(b.tokens).toBe(w0 + w1 + ex[2].ids.length);
    expect(b.targetCount).toBe(6);
    // Row 0: example 0's last two tokens are predicted from the two positions before them.
    expect(b.counted[w0 - 3]).toBe(1);
    expect(b.targets[w0 - 3]).toBe(ex[0].ids[w0 - 2]);
    expect(b.targets[w0 - 2]).toBe(ex[0].ids[w0 - 1]);
    // The last token of example 0 does not predict example 1's first token.
    expect(b.counted[w0 - 1]).toBe(0);
    // Row 1 pads with id 7 after example 2, never counted.
    const r1 = b.width;
    expect(b.ids[r1 + ex[2].ids.length]).toBe(7);
    expect(Array.from(b.counted.subarray(r1 + ex[2].ids.length - 1)).every((c) => c === 0)).toBe(true);
  });

  it('packed rows carry segment ids (the example in the row; pads one more); single-example rows none', () => {
    const ex = examples(3); // lengths 3, 10, 4
    const b = buildMicroBatch(ex, [[0, 2], [1]], 0);
    expect(b.width).toBe(10);
    expect(Array.from(b.segments!.subarray(0, 10))).toEqual([0, 0, 0, 1, 1, 1, 1, 2, 2, 2]);
    expect(Array.from(b.segments!.subarray(10))).toEqual(new Array(10).fill(0));
    expect(buildMicroBatch(ex, [[0], [1], [2]], 0).segments).toBeNull();
  });

  it('loss weights are a token mean over the whole optimizer step', () => {
    const ex = examples(4);
    const a = buildMicroBatch(ex, [[0], [1]], 0);
    const b = buildMicroBatch(ex, [[2], [3]], 0);
    const total = a.targetCount + b.targetCount;
    const sum = [...lossWeights(a, total), ...lossWeights(b, total)].reduce((s, w) => s + w, 0);
    expect(sum).toBeCloseTo(1, 6);
  });
});
