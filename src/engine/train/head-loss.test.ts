/**
 * The fused head loss as training uses it (model/loss.ts headCrossEntropy): eager gradients,
 * chunks freed one by one, dh over K-blocks of the vocabulary, and head gradients for chosen
 * columns only — checked against plain autodiff of log-softmax cross-entropy.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.ts';
import { headCrossEntropy, type LossStats } from '../model/loss.ts';
import type { CausalLM } from '../model/causal-lm.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const N = 40;
const D = 16;
const V = 9000; // three K-blocks of 4,096

/** Just enough of a CausalLM for the loss: a tied head [D, V]. */
function fakeModel(w: tf.Variable): CausalLM {
  return { linears: new Map(), headWeight: () => w } as unknown as CausalLM;
}

/** Cross-entropy's gradients written out (tfjs has no registered gradient for Log/Exp here). */
function reference(h: tf.Tensor2D, w: tf.Tensor2D, targets: Int32Array, weights: Float32Array): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const logits = tf.matMul(h, w);
    const dlogits = tf.mul(tf.sub(tf.softmax(logits), tf.oneHot(tf.tensor1d(targets, 'int32'), V)), tf.reshape(tf.tensor1d(weights), [N, 1])) as tf.Tensor2D;
    return [tf.matMul(dlogits, w, false, true), tf.matMul(h, dlogits, true, false)];
  });
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('fused head loss for training', () => {
  let h: tf.Tensor2D;
  let wInit: tf.Tensor2D;
  beforeAll(() => {
    h = tf.randomNormal([N, D], 0, 1, 'float32', 1) as tf.Tensor2D;
    wInit = tf.randomNormal([D, V], 0, 0.3, 'float32', 2) as tf.Tensor2D;
  });
  const targets = Int32Array.from({ length: N }, (_, i) => (i * 2311) % V);
  const weights = Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 0 : 1 / 27));

  for (const gradMode of ['eager', 'recompute'] as const) {
    it(`${gradMode}: loss, dh and dW match autodiff (3 vocabulary blocks, chunks of 7 rows)`, () => {
      const w = tf.variable(wInit.clone(), true);
      const [rh, rw] = reference(h, w, targets, weights);
      const stats: LossStats = { loss: 0, correct: 0, counted: 0 };
      const { value, grads } = tf.variableGrads(() => headCrossEntropy(fakeModel(w), tf.mul(h, 1) as tf.Tensor2D, targets, weights, { gradMode, chunkRows: 7, stats }), [w]);
      const dhOnly = tf.grad((hh: tf.Tensor) => headCrossEntropy(fakeModel(w), hh as tf.Tensor2D, targets, weights, { gradMode, chunkRows: 7 }))(h);
      const refLoss = tf.tidy(() => {
        const logits = tf.matMul(h, w);
        return tf.sum(tf.mul(tf.tensor1d(weights), tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, tf.oneHot(tf.tensor1d(targets, 'int32'), V)), 1)))).dataSync()[0]; // forward only
      });
      expect(value.dataSync()[0]).toBeCloseTo(refLoss, 4);
      expect(stats.counted).toBe(26);
      expect(maxDiff(grads[w.name], rw)).toBeLessThan(1e-5);
      expect(maxDiff(dhOnly, rh)).toBeLessThan(1e-5);
      w.dispose();
    });
  }

  it('with a frozen head (LoRA), dh alone matches', () => {
    const w = tf.variable(wInit.clone(), false);
    const [rh] = reference(h, w, targets, weights);
    const dh = tf.grad((hh: tf.Tensor) => headCrossEntropy(fakeModel(w), hh as tf.Tensor2D, targets, weights, { gradMode: 'eager', chunkRows: 11 }))(h);
    expect(maxDiff(dh, rh)).toBeLessThan(1e-5);
    w.dispose();
  });

  it('computes the head gradient only for the requested columns (trainable token rows)', () => {
    const w = tf.variable(wInit.clone(), true);
    const [, rw] = reference(h, w, targets, weights);
    const cols = [2, targets[1], 8999];
    const { grads } = tf.variableGrads(() => headCrossEntropy(fakeModel(w), tf.mul(h, 1) as tf.Tensor2D, targets, weights, { gradMode: 'eager', chunkRows: 9, headGradColumns: cols }), [w]);
    const g = grads[w.name];
    const pick = (t: tf.Tensor) => tf.gather(t, tf.tensor1d(cols, 'int32'), 1);
    expect(maxDiff(pick(g), pick(rw))).toBeLessThan(1e-5);
    expect(tf.sum(tf.abs(g)).dataSync()[0]).toBeCloseTo(tf.sum(tf.abs(pick(g))).dataSync()[0], 4);
    w.dispose();
  });
});
