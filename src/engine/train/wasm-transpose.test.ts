/** The WASM Transpose replacement (wasm-kernels.ts) against the CPU backend, on every kind of perm. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.ts';

const cases: [number[], number[]][] = [
  [[7], [0]],
  [[2048, 288], [1, 0]],
  [[33, 65], [1, 0]],
  [[5, 70, 41], [0, 2, 1]],
  [[4, 9, 3, 8], [0, 2, 1, 3]], // heads: last axis stays
  [[2, 9, 2, 3, 8], [0, 2, 3, 1, 4]], // GQA layout: merges to a run copy
  [[2, 3, 3, 9, 8], [0, 3, 1, 2, 4]],
  [[1, 6, 1, 5], [3, 1, 2, 0]], // size-1 axes
  [[3, 4, 5], [2, 0, 1]], // falls back to the package kernel
  [[3, 4, 5, 6], [3, 2, 1, 0]]
];

describe('WASM Transpose', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
    await initBackend({ backend: 'wasm' });
  });

  for (const [shape, perm] of cases) {
    it(`[${shape}] by [${perm}] equals the CPU backend`, async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);
      await tf.setBackend('wasm');
      const w = tf.transpose(tf.tensor(data, shape), perm);
      const got = { shape: w.shape, values: Array.from(w.dataSync()) };
      await tf.setBackend('cpu');
      const c = tf.transpose(tf.tensor(data, shape), perm);
      expect(got).toEqual({ shape: c.shape, values: Array.from(c.dataSync()) });
      await tf.setBackend('wasm');
      const i = tf.transpose(tf.tensor(Int32Array.from(data, (v) => Math.round(v * 2)), shape, 'int32'), perm);
      expect(Array.from(i.dataSync())).toEqual(Array.from(c.dataSync()).map((v) => Math.round(v * 2)));
    });
  }
});
