/**
 * Building blocks shared by the architectures: norms, activations, rotary embeddings and
 * embedding lookups. All take 2-D activations [N, features] (N = batch × time) unless noted.
 *
 * Every op here has a hand-written gradient (customOp): fewer kernels per backward step than
 * autodiff of the same formulas, and no dependence on tfjs' gradient registry (see gradients.ts).
 *   - rope: rotate_half as a plain matMul by a ±1 permutation matrix, gradient by its transpose;
 *   - embedding lookups: tf.gather's gradient needs UnsortedSegmentSum, which WASM lacks, so the
 *     table gradient is a ScatterNd (duplicate indices are summed).
 * Weight and bias gradients are computed only for trainable variables (zeros otherwise).
 */
import * as tf from '@tensorflow/tfjs-core';
import { isTrainable } from './linear.ts';
import { customOp } from './grad.ts';

// ─── Norms ──────────────────────────────────────────────────────────────────────────────────

/** Gradient for a weight/bias input: computed only when it is trainable. */
const maybe = (t: tf.Tensor, grad: () => tf.Tensor) => (isTrainable(t) ? grad() : tf.zerosLike(t));

/**
 * Llama RMSNorm: y = x · r · w with r = rsqrt(mean(x²) + eps).   x [N, D], w [D]
 *   dx = r · (g − x̂ · mean(g · x̂)),  g = dy · w, x̂ = x · r;   dw = Σ_rows dy · x̂
 */
export function rmsNorm(x: tf.Tensor2D, w: tf.Tensor1D, eps: number): tf.Tensor2D {
  const op = customOp<tf.Tensor2D>(([xx, ww], save) => {
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(xx), -1, true), eps)); // [N, 1]
    save([xx, r]);
    return {
      value: tf.mul(tf.mul(xx, r), ww),
      gradFunc: (dy, [xs, rs]) => {
        const xhat = tf.mul(xs, rs);
        const g = tf.mul(dy, ww);
        const dx = tf.mul(rs, tf.sub(g, tf.mul(xhat, tf.mean(tf.mul(g, xhat), -1, true))));
        return [dx, maybe(ww, () => tf.sum(tf.mul(dy, xhat), 0))];
      }
    };
  });
  return op(x, w);
}

/**
 * LayerNorm with affine parameters: y = x̂ · g + b, x̂ = (x − mean) · rsqrt(var + eps).
 *   dx = r · (γ − mean(γ) − x̂ · mean(γ · x̂)),  γ = dy · g;   dg = Σ dy · x̂;   db = Σ dy
 */
export function layerNorm(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor2D {
  const op = customOp<tf.Tensor2D>(([xx, gg, bb], save) => {
    const xc = tf.sub(xx, tf.mean(xx, -1, true));
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps));
    const xhat = tf.mul(xc, r);
    save([xhat, r]);
    return {
      value: tf.add(tf.mul(xhat, gg), bb),
      gradFunc: (dy, [xh, rs]) => {
        const gy = tf.mul(dy, gg);
        const dx = tf.mul(rs, tf.sub(tf.sub(gy, tf.mean(gy, -1, true)), tf.mul(xh, tf.mean(tf.mul(gy, xh), -1, true))));
        return [dx, maybe(gg, () => tf.sum(tf.mul(dy, xh), 0)), maybe(bb, () => tf.sum(dy, 0))];
      }
    };
  });
  return op(x, g, b);
}

// ─── Activations ────────────────────────────────────────────────────────────────────────────

/** SiLU (swish): x · σ(x);  d/dx = σ · (1 + x · (1 − σ)). */
export function silu(x: tf.Tensor): tf.Tensor {
  const op = customOp<tf.Tensor>(([xx], save) => {
    const s = tf.sigmoid(xx);
    save([xx, s]);
    return {
      value: tf.mul(xx, s),
      gradFunc: (dy, [xs, ss]) => [tf.mul(dy, tf.mul(ss, tf.add(tf.mul(xs, tf.sub(1, ss)), 1)))]
    };
  });
  return op(x);
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** GPT-2's "gelu_new" (tanh approximation): 0.5·x·(1 + tanh(c·(x + 0.044715·x³))), c = √(2/π). */
export function geluNew(x: tf.Tensor): tf.Tensor {
  const op = customOp<tf.Tensor>(([xx], save) => {
    const x2 = tf.square(xx);
    const t = tf.tanh(tf.mul(tf.mul(xx, tf.add(tf.mul(x2, 0.044715), 1)), GELU_C));
    save([xx, t]);
    return {
      value: tf.mul(tf.mul(xx, 0.5), tf.add(t, 1)),
      gradFunc: (dy, [xs, ts]) => {
        // 0.5·(1 + t) + 0.5·x·(1 − t²)·c·(1 + 3·0.044715·x²)
        const du = tf.mul(tf.add(tf.mul(tf.square(xs), 3 * 0.044715), 1), GELU_C);
        const d = tf.add(tf.mul(tf.add(ts, 1), 0.5), tf.mul(tf.mul(tf.mul(xs, 0.5), tf.sub(1, tf.square(ts))), du));
        return [tf.mul(dy, d)];
      }
    };
  });
  return op(x);
}

/** Exact GELU: 0.5·x·(1 + erf(x/√2));  d/dx = 0.5·(1 + erf(x/√2)) + x·φ(x). */
export function geluExact(x: tf.Tensor): tf.Tensor {
  const op = customOp<tf.Tensor>(([xx], save) => {
    const e = tf.erf(tf.mul(xx, Math.SQRT1_2));
    save([xx, e]);
    return {
      value: tf.mul(tf.mul(xx, 0.5), tf.add(e, 1)),
      gradFunc: (dy, [xs, es]) => {
        const pdf = tf.mul(tf.exp(tf.mul(tf.square(xs), -0.5)), 1 / Math.sqrt(2 * Math.PI));
        return [tf.mul(dy, tf.add(tf.mul(tf.add(es, 1), 0.5), tf.mul(xs, pdf)))];
      }
    };
  });
  return op(x);
}

// ─── Rotary embeddings ──────────────────────────────────────────────────────────────────────

/**
 * Applies RoPE to x [N, heads·headDim] given per-row cos/sin [N, headDim] (rows already picked
 * by position) and the rotate_half matrix R [headDim, headDim] and its transpose.
 *   y = x·cos + (x·R)·sin        dx = dy·cos + (dy·sin)·Rᵀ
 */
export function applyRope(x: tf.Tensor2D, cos: tf.Tensor2D, sin: tf.Tensor2D, r: tf.Tensor2D, rT: tf.Tensor2D, heads: number): tf.Tensor2D {
  const [n, width] = x.shape;
  const hd = width / heads;
  const rot = (t: tf.Tensor, m: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(t, [n * heads, hd]) as tf.Tensor2D, m as tf.Tensor2D), [n, heads, hd]);
  const op = customOp<tf.Tensor2D>(([xx], save) => {
    const c3 = tf.reshape(cos, [n, 1, hd]);
    const s3 = tf.reshape(sin, [n, 1, hd]);
    // Constants the backward needs go through save(): the caller's tidy scope may end before
    // backprop runs (the model's forward is itself a tidy).
    save([c3, s3, rT]);
    const x3 = tf.reshape(xx, [n, heads, hd]);
    return {
      value: tf.reshape(tf.add(tf.mul(x3, c3), tf.mul(rot(x3, r), s3)), [n, width]),
      gradFunc: (dy, [cs, ss, rts]) => {
        const d3 = tf.reshape(dy, [n, heads, hd]);
        return [tf.reshape(tf.add(tf.mul(d3, cs), rot(tf.mul(d3, ss), rts)), [n, width])];
      }
    };
  });
  return op(x);
}

// ─── Embedding lookups ──────────────────────────────────────────────────────────────────────

/**
 * Rows of table [R, D] at ids [N] → [N, D] (GPT-2 position embeddings).
 * Gradient for the table: ScatterNd of dy at the ids (sums duplicates).
 */
export function embedRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  if (!isTrainable(table)) return tf.gather(table, ids, 0) as tf.Tensor2D;
  const op = customOp<tf.Tensor2D>(([t], save) => {
    save([ids]);
    return {
      value: tf.gather(t, ids, 0) as tf.Tensor2D,
      gradFunc: (dy, [idx]) => [tf.scatterND(tf.reshape(idx, [-1, 1]), dy, t.shape)]
    };
  });
  return op(table);
}

/**
 * Columns of a transposed embedding tableT [D, V] at ids [N] → [N, D]. Token embeddings are
 * stored [D, V] so the tied output head is a plain matMul h·tableT (the costliest matMul of a
 * small model); the lookup gathers columns instead of rows.
 * Gradient for the table: ScatterNd of dyᵀ at (d, id) pairs, straight into the [D, V] layout.
 */
export function embedColumns(tableT: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const lookup = (t: tf.Tensor) => tf.transpose(tf.gather(t, ids, 1)) as tf.Tensor2D; // [D, N] → [N, D]
  if (!isTrainable(tableT)) return tf.tidy(() => lookup(tableT));
  const [d, v] = tableT.shape;
  const n = ids.shape[0];
  const op = customOp<tf.Tensor2D>(([t], save) => {
    save([ids]);
    return {
      value: lookup(t),
      gradFunc: (dy, [idx]) => {
        // indices [D·N, 2] = (row d, column ids[j]) in d-major order, matching dyᵀ flattened.
        const rows = tf.reshape(tf.tile(tf.reshape(tf.range(0, d, 1, 'int32'), [d, 1]), [1, n]), [d * n, 1]);
        const cols = tf.reshape(tf.tile(tf.reshape(idx, [1, n]), [d, 1]), [d * n, 1]);
        return [tf.scatterND(tf.concat([rows, cols], 1), tf.reshape(tf.transpose(dy), [d * n]), [d, v])];
      }
    };
  });
  return op(tableT);
}
