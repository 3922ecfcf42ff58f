/**
 * Next-token cross-entropy through the output head, fused and chunked.
 *
 * The head is the costliest matMul of a small model (stories15M: V = 32,000 × D = 288 is more than
 * all six blocks), and full logits for B·T = 2048 rows take 262 MB, their softmax and gradient as
 * much again. So the loss takes hidden states, not logits, and:
 *   - keeps only rows with a non-zero weight (the loss mask: in chat fine-tuning, only assistant
 *     tokens count, so the head runs on a fraction of the rows);
 *   - walks those rows in chunks of `chunkRows`, never holding more than one chunk's logits;
 *   - computes log-sum-exp from the XNNPACK softmax: lse = max − log(max softmax), exact enough
 *     (max softmax ≥ 1/V never underflows) and avoids WASM's slow elementwise exp;
 *   - backward: dlogits = (softmax − onehot)·w, dh = dlogits·Wᵀ, dW = hᵀ·dlogits, all plain 2-D
 *     matMuls. gradMode 'eager' computes them during the forward pass (3 head matMuls in all, for
 *     training steps); 'recompute' (default) recomputes the logits in the backward pass, so
 *     evaluation pays for one matMul only.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM } from './causal-lm.ts';
import { DenseLinear, isTrainable } from './linear.ts';
import { customOp } from './grad.ts';

export interface LossStats {
  /** Σ weight · CE over counted rows (same value as the returned loss). */
  loss: number;
  /** Counted rows whose argmax equals the target. */
  correct: number;
  /** Rows with a non-zero weight. */
  counted: number;
}

export interface HeadLossOptions {
  chunkRows?: number;
  gradMode?: 'eager' | 'recompute';
  /** Filled during the forward pass. */
  stats?: LossStats;
  /** When the head is trainable, compute its gradient only for these columns (token ids) and
   *  leave the rest zero: the trainer's trainable token rows need a few columns, not all V. */
  headGradColumns?: number[];
}

/** Targets and weights for the plain language-modelling loss of one sequence batch [B, T]. */
export function nextTokenTargets(ids: ArrayLike<number>[], mask?: ArrayLike<number>[]): { targets: Int32Array; weights: Float32Array } {
  const b = ids.length;
  const t = ids[0]?.length ?? 0;
  const targets = new Int32Array(b * t);
  const weights = new Float32Array(b * t);
  let count = 0;
  for (let i = 0; i < b; i++) {
    for (let j = 0; j + 1 < t; j++) {
      // mask (labelsMask) marks targets: row j predicts ids[j + 1].
      if (mask && !mask[i][j + 1]) continue;
      targets[i * t + j] = ids[i][j + 1];
      weights[i * t + j] = 1;
      count++;
    }
  }
  if (count > 0) for (let k = 0; k < weights.length; k++) weights[k] /= count;
  return { targets, weights };
}

/**
 * dh = dlogits · Wᵀ has K = V (32,000): XNNPACK does not block the K dimension, so each tile of
 * rows streams the whole packed Wᵀ from memory (measured 16 GF/s vs 31 for the forward). Splitting
 * K into blocks of 4,096 keeps each block's panel in cache: ~2× on this product (33 GF/s).
 */
const K_BLOCK = 4096;

/** Wᵀ as row blocks of K_BLOCK (made once per step, reused by every chunk). */
function kBlocks(w: tf.Tensor2D): tf.Tensor2D[] {
  return tf.tidy(() => {
    const wT = tf.transpose(w) as tf.Tensor2D; // [V, D]
    const [v, d] = wT.shape;
    const out: tf.Tensor2D[] = [];
    for (let k = 0; k < v; k += K_BLOCK) out.push(tf.slice(wT, [k, 0], [Math.min(K_BLOCK, v - k), d]));
    return out;
  });
}

/** a [m, K] · (row blocks of a [K, n] matrix), summed over the blocks. */
function blockedMatMul(a: tf.Tensor2D, blocks: tf.Tensor2D[]): tf.Tensor2D {
  if (blocks.length === 1) return tf.matMul(a, blocks[0]);
  const m = a.shape[0];
  let k = 0;
  const parts = blocks.map((b) => {
    const p = tf.matMul(tf.slice(a, [0, k], [m, b.shape[0]]), b);
    k += b.shape[0];
    return p;
  });
  return tf.addN(parts) as tf.Tensor2D;
}

/** The head as one [D, V] weight when it is a plain matrix (tied embedding or bias-free dense). */
function plainHead(model: CausalLM): tf.Tensor2D | null {
  const head = model.linears.get('lm_head');
  if (!head) return model.headWeight();
  if (head instanceof DenseLinear && !head.bias) return head.weight.variable as tf.Tensor2D;
  return null;
}

/**
 * Σ_n weights[n] · CE(logits_n, targets[n]) for hidden [N, D] (rows in batch-major order).
 * Pass weights that sum to 1 for a mean. Gradients flow to hidden and, when trainable, the head.
 */
export function headCrossEntropy(model: CausalLM, hidden: tf.Tensor2D, targets: Int32Array, weights: Float32Array, opts: HeadLossOptions = {}): tf.Scalar {
  const [n, d] = hidden.shape;
  if (targets.length !== n || weights.length !== n) throw new Error(`headCrossEntropy: ${n} rows but ${targets.length} targets and ${weights.length} weights`);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (weights[i] !== 0) rows.push(i);
  const w = plainHead(model);
  if (!w) {
    // A wrapped head (e.g. a LoRA on lm_head): full logits through the model, then the same loss.
    return crossEntropyRows(model.logits(hidden), targets, weights, rows, opts.stats);
  }
  const v = w.shape[1];
  const chunk = Math.max(1, opts.chunkRows ?? Math.max(16, Math.floor(4_000_000 / v)));
  const chunks: { idx: number[]; tgt: Int32Array; wt: Float32Array }[] = [];
  for (let s = 0; s < rows.length; s += chunk) {
    const idx = rows.slice(s, s + chunk);
    chunks.push({ idx, tgt: Int32Array.from(idx, (r) => targets[r]), wt: Float32Array.from(idx, (r) => weights[r]) });
  }
  const trainHead = isTrainable(w);
  const stats = opts.stats;
  if (stats) Object.assign(stats, { loss: 0, correct: 0, counted: rows.length });

  /** One chunk: loss and, with grads, dlogits. */
  const chunkForward = (h: tf.Tensor, ww: tf.Tensor, c: (typeof chunks)[number], withGrad: boolean, count = false) => {
    const m = c.idx.length;
    const hc = tf.gather(h, tf.tensor1d(c.idx, 'int32')) as tf.Tensor2D; // [m, D]
    const logits = tf.matMul(hc, ww as tf.Tensor2D); // [m, V]
    const p = tf.softmax(logits);
    const lse = tf.sub(tf.max(logits, 1), tf.log(tf.max(p, 1))); // [m]
    const flat = Int32Array.from(c.tgt, (t, i) => i * v + t);
    const zt = tf.gather(tf.reshape(logits, [m * v]), tf.tensor1d(flat, 'int32'));
    const wt = tf.tensor1d(c.wt);
    const loss = tf.sum(tf.mul(wt, tf.sub(lse, zt)));
    if (stats && count) {
      const am = tf.argMax(logits, 1).dataSync();
      for (let i = 0; i < m; i++) if (am[i] === c.tgt[i]) stats.correct++;
    }
    if (!withGrad) return { loss, hc };
    // Without a full head gradient the one-hot part is applied to dh directly (chunkStep), which
    // saves two passes over m·V values; with one, it stays in dlogits.
    if (!trainHead || cols) return { loss, hc, dlogits: tf.mul(p, tf.reshape(wt, [m, 1])) as tf.Tensor2D, oneHotPending: true };
    const dlogits = tf.mul(tf.sub(p, tf.oneHot(tf.tensor1d(c.tgt, 'int32'), v)), tf.reshape(wt, [m, 1])) as tf.Tensor2D;
    return { loss, hc, dlogits, oneHotPending: false };
  };

  /**
   * One chunk's loss and, with gradients, its part of dh and its term of dW, in its own tidy
   * scope: a chunk's logits, softmax and dlogits (m·V floats each) are freed before the next
   * chunk, so the head never holds more than one chunk (full fine-tuning at batch 8 of a
   * 32,000-token model otherwise outgrows the 4 GB WASM heap).
   */
  const cols = trainHead && opts.headGradColumns ? Int32Array.from(opts.headGradColumns) : null;
  const chunkStep = (h: tf.Tensor, ww: tf.Tensor, wT: tf.Tensor2D[] | null, c: (typeof chunks)[number], count: boolean) =>
    tf.tidy(() => {
      const f = chunkForward(h, ww, c, wT !== null, count);
      if (!wT) return { loss: f.loss };
      const { hc, dlogits, oneHotPending } = f as { hc: tf.Tensor2D; dlogits: tf.Tensor2D; oneHotPending: boolean };
      const m = c.idx.length;
      const wcol = tf.reshape(tf.tensor1d(c.wt), [m, 1]);
      let dh = blockedMatMul(dlogits, wT);
      // (p·w − onehot·w)·Wᵀ = (p·w)·Wᵀ − w ⊙ (columns of W at the targets)ᵀ
      if (oneHotPending) dh = tf.sub(dh, tf.mul(tf.transpose(tf.gather(ww, tf.tensor1d(c.tgt, 'int32'), 1)), wcol)) as tf.Tensor2D;
      if (!trainHead) return { loss: f.loss, dh };
      if (!cols) return { loss: f.loss, dh, dW: tf.matMul(tf.transpose(hc), dlogits) };
      // Only some columns wanted (trainable token rows): hcᵀ · (p·w − onehot·w)[:, cols].
      const k = cols.length;
      const o = new Float32Array(m * k);
      const at = new Map(Array.from(cols, (col, j) => [col, j]));
      c.tgt.forEach((t, i) => {
        const j = at.get(t);
        if (j !== undefined) o[i * k + j] = c.wt[i];
      });
      const sub = tf.sub(tf.gather(dlogits, tf.tensor1d(cols, 'int32'), 1), tf.tensor2d(o, [m, k]));
      return { loss: f.loss, dh, dW: tf.matMul(tf.transpose(hc), sub as tf.Tensor2D) };
    });

  /** Runs every chunk; with gradients, dh scattered back to all N rows and dW summed. */
  const run = (h: tf.Tensor, ww: tf.Tensor, withGrad: boolean, count: boolean) => {
    const wT = withGrad ? kBlocks(ww as tf.Tensor2D) : null; // Wᵀ [V, D] in row blocks
    const losses: tf.Tensor[] = [];
    const dhParts: tf.Tensor[] = [];
    let dW: tf.Tensor | null = null;
    for (const c of chunks) {
      const r = chunkStep(h, ww, wT, c, count);
      losses.push(r.loss);
      if (r.dh) dhParts.push(r.dh);
      if (r.dW) {
        const next: tf.Tensor = dW ? tf.add(dW, r.dW) : r.dW;
        if (dW) tf.dispose([dW, r.dW]);
        dW = next;
      }
    }
    if (wT) tf.dispose(wT);
    const loss = losses.length ? (tf.addN(losses) as tf.Scalar) : tf.scalar(0);
    tf.dispose(losses);
    if (!withGrad) return { loss };
    const dh = rows.length ? tf.scatterND(tf.tensor2d(rows, [rows.length, 1], 'int32'), tf.concat(dhParts, 0), [n, d]) : tf.zeros([n, d]);
    tf.dispose(dhParts);
    let dWFull: tf.Tensor;
    if (!dW) dWFull = tf.zerosLike(ww);
    else if (cols) {
      // [D, k] → [D, V]: element (r, j) of dW goes to (r, cols[j]), in dW's row-major order.
      const k = cols.length;
      const idx = new Int32Array(d * k * 2);
      for (let r = 0; r < d; r++) for (let j = 0; j < k; j++) idx.set([r, cols[j]], (r * k + j) * 2);
      dWFull = tf.scatterND(tf.tensor2d(idx, [d * k, 2], 'int32'), tf.reshape(dW, [d * k]), [d, v]);
      (dW as tf.Tensor).dispose();
    } else dWFull = dW;
    return { loss, dh, dW: dWFull };
  };

  const eager = opts.gradMode === 'eager';
  const op = customOp<tf.Scalar>(([h, ww], save) => {
    const r = run(h, ww, eager, true);
    if (stats) stats.loss = r.loss.dataSync()[0];
    if (eager) save([r.dh!, r.dW!]);
    else save([h, ww]);
    return {
      value: r.loss,
      gradFunc: (dy, saved) => {
        const { dh, dW } = eager ? { dh: saved[0], dW: saved[1] } : (run(saved[0], saved[1], true, false) as { dh: tf.Tensor; dW: tf.Tensor });
        return [tf.mul(dh, dy), tf.mul(dW, dy)];
      }
    };
  });
  return op(hidden, w);
}

/** Weighted cross-entropy on full logits [N, V] (used when the head is not a plain matrix). */
function crossEntropyRows(logits: tf.Tensor2D, targets: Int32Array, weights: Float32Array, rows: number[], stats?: LossStats): tf.Scalar {
  const v = logits.shape[1];
  const idx = tf.tensor1d(rows, 'int32');
  const tgt = tf.tensor1d(Int32Array.from(rows, (r) => targets[r]), 'int32');
  const wt = tf.tensor1d(Float32Array.from(rows, (r) => weights[r]));
  const op = customOp<tf.Scalar>(([lg]) => {
    const l = tf.gather(lg, idx) as tf.Tensor2D;
    const p = tf.softmax(l);
    const lse = tf.sub(tf.max(l, 1), tf.log(tf.max(p, 1)));
    const zt = tf.sum(tf.mul(l, tf.oneHot(tgt, v)), 1);
    const loss = tf.sum(tf.mul(wt, tf.sub(lse, zt))) as tf.Scalar;
    if (stats) {
      stats.loss = loss.dataSync()[0];
      stats.counted = rows.length;
      const am = tf.argMax(l, 1).dataSync();
      const t = tgt.dataSync();
      let correct = 0;
      for (let i = 0; i < rows.length; i++) if (am[i] === t[i]) correct++;
      stats.correct = correct;
    }
    return {
      value: loss,
      gradFunc: (dy) => {
        const dl = tf.mul(tf.sub(tf.softmax(tf.gather(lg, idx)), tf.oneHot(tgt, v)), tf.reshape(tf.mul(wt, dy), [rows.length, 1]));
        return [tf.scatterND(tf.reshape(idx, [rows.length, 1]), dl, lg.shape)];
      }
    };
  });
  return op(logits);
}
