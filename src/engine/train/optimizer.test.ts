import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.ts';
import { AdamW, clipByGlobalNorm, globalNorm } from './optimizer.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** torch.optim.AdamW's update, written out in float64 for one parameter. */
function referenceAdamW(p: number[], grads: number[][], lr: number, wd: number, decay: boolean, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  let x = [...p];
  grads.forEach((g, k) => {
    const t = k + 1;
    x = x.map((xi, i) => {
      if (decay) xi *= 1 - lr * wd;
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - b2 ** t) + eps;
      return xi - (lr / (1 - b1 ** t)) * (m[i] / denom);
    });
  });
  return x;
}

describe('AdamW', () => {
  it('matches the PyTorch update rule step by step, decaying matrices but not vectors', () => {
    const w0 = [0.5, -1, 2, 0.25];
    const b0 = [0.1, -0.2];
    const w = tf.variable(tf.tensor2d(w0, [2, 2]));
    const b = tf.variable(tf.tensor1d(b0));
    const opt = new AdamW([{ name: 'w', variable: w }, { name: 'b', variable: b }], { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 });
    expect(opt.decayedNames()).toEqual(['w']);
    const gw = [[0.3, -0.1, 0.05, 1], [-0.2, 0.4, 0.1, -0.5], [0.01, 0.02, -0.03, 0.2]];
    const gb = [[1, -1], [0.5, 0.5], [-0.1, 0.3]];
    for (let k = 0; k < 3; k++) {
      const grads = new Map<string, tf.Tensor>([['w', tf.tensor2d(gw[k], [2, 2])], ['b', tf.tensor1d(gb[k])]]);
      opt.apply(grads, 0.01);
      tf.dispose([...grads.values()]);
    }
    const expectW = referenceAdamW(w0, gw, 0.01, 0.1, true);
    const expectB = referenceAdamW(b0, gb, 0.01, 0.1, false);
    Array.from(w.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(expectW[i], 6));
    Array.from(b.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(expectB[i], 6));
    expect(opt.step).toBe(3);
    opt.dispose();
    tf.dispose([w, b]);
  });

  it('exports and imports its moments so a resumed optimizer continues identically', async () => {
    const mk = () => tf.variable(tf.tensor1d([1, 2, 3]));
    const a = mk();
    const b = mk();
    const oa = new AdamW([{ name: 'p', variable: a }]);
    const ob = new AdamW([{ name: 'p', variable: b }]);
    const g = tf.tensor1d([0.5, -0.25, 1]);
    oa.apply(new Map([['p', g]]), 0.1);
    ob.apply(new Map([['p', g]]), 0.1);
    const state = new Map((await oa.exportState()).map((t) => [t.name, t.data]));
    expect([...state.keys()].sort()).toEqual(['exp_avg.p', 'exp_avg_sq.p']);
    const c = tf.variable(b.clone());
    const oc = new AdamW([{ name: 'p', variable: c }]);
    oc.importState(state, ob.step);
    oa.apply(new Map([['p', g]]), 0.1);
    oc.apply(new Map([['p', g]]), 0.1);
    expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(() => oc.importState(new Map(), 1)).toThrow(/no exp_avg.p/);
    [oa, ob, oc].forEach((o) => o.dispose());
    tf.dispose([a, b, c, g]);
  });
});

describe('gradient clipping', () => {
  it('scales by max_norm / (norm + 1e-6) only when the global norm exceeds max_norm', () => {
    const grads = new Map<string, tf.Tensor>([['a', tf.tensor1d([3, 0])], ['b', tf.tensor1d([0, 4])]]);
    const norm = globalNorm(grads.values());
    expect(norm).toBeCloseTo(5, 5);
    expect(clipByGlobalNorm(grads, norm, 10)).toBe(false);
    expect(clipByGlobalNorm(grads, norm, 1)).toBe(true);
    expect(globalNorm(grads.values())).toBeCloseTo(1, 5);
    expect(grads.get('a')!.dataSync()[0]).toBeCloseTo(3 / (5 + 1e-6), 6);
    tf.dispose([...grads.values()]);
  });
});
