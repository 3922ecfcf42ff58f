/**
 * Scaled dot-product attention for causal LMs, with grouped-query attention folded into rows.
 *
 * Layout: the G = heads / kvHeads query heads that share one KV head are stacked along the row
 * axis, so every (batch, kv head) pair is one independent attention problem:
 *
 *   q [B·Hkv, G·Tq, hd]   (row r = g·Tq + t; already scaled by 1/√hd)
 *   k [B·Hkv, Tk, hd]     v [B·Hkv, Tk, hd]
 *   mask: additive, [B or 1, 1, G·Tq, Tk] (0 or a large negative), or null
 *   → o [B·Hkv, G·Tq, hd]
 *
 * This needs no repeat_kv copies and matches HF's repeat_kv (query head h uses KV head h / G).
 *
 * Two strategies, same numbers:
 *   'batched'  — tf batched matMuls (transpose flags in the backward). Right for tfjs-node and the
 *                CPU backend, and for tiny problems (single-token decoding) where op overhead
 *                dominates.
 *   'per-head' — a loop of plain 2-D matMuls per (batch, kv head) with a hand-written backward.
 *                On WASM only plain 2-D matMuls reach XNNPACK; batched ones run a scalar loop
 *                10–20× slower. Per-head slices are contiguous tf.slice calls (cheap with the
 *                WASM Slice kernel of train/wasm-kernels.ts; the package's copies its whole input).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './grad.ts';

export type AttentionStrategy = 'batched' | 'per-head';

/** A large negative instead of -Infinity: a fully masked row (a left-pad query) stays finite. */
export const MASKED = -1e9;

/** Picks the strategy: per-head on WASM unless the problem is tiny. */
export function chooseStrategy(rows: number, keys: number): AttentionStrategy {
  return tf.getBackend() === 'wasm' && rows * keys >= 1024 ? 'per-head' : 'batched';
}

function addMask(s: tf.Tensor3D, mask: tf.Tensor4D | null, batch: number): tf.Tensor3D {
  if (!mask) return s;
  const [bh, r, tk] = s.shape;
  return tf.reshape(tf.add(tf.reshape(s, [batch, bh / batch, r, tk]), mask), [bh, r, tk]);
}

function batched(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor4D | null, batch: number): tf.Tensor3D {
  const op = customOp<tf.Tensor3D>((inputs, save) => {
    const [qq, kk, vv] = inputs as tf.Tensor3D[];
    const p = tf.softmax(addMask(tf.matMul(qq, kk, false, true), mask, batch)) as tf.Tensor3D;
    save([qq, kk, vv, p]);
    return {
      value: tf.matMul(p, vv),
      gradFunc: (dO, saved) => {
        const [qs, ks, vs, ps] = saved as tf.Tensor3D[];
        const dP = tf.matMul(dO, vs, false, true);
        const dS = tf.mul(ps, tf.sub(dP, tf.sum(tf.mul(dP, ps), -1, true))) as tf.Tensor3D;
        return [tf.matMul(dS, ks), tf.matMul(dS, qs, true, false), tf.matMul(ps, dO, true, false)];
      }
    };
  });
  return op(q, k, v);
}

/**
 * Per-slice 2-D matMuls a[i] · b[i] for i < n, restacked to [n, rows, cols]. Slices along the
 * first axis are contiguous: with the WASM Slice kernel of train/wasm-kernels.ts each is one copy.
 */
function loopMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [n, ar, ac] = a.shape;
  const [, , bc] = b.shape;
  const parts: tf.Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const ai = tf.reshape(tf.slice(a, [i, 0, 0], [1, ar, ac]), [ar, ac]) as tf.Tensor2D;
    const bi = tf.reshape(tf.slice(b, [i, 0, 0], [1, ac, bc]), [ac, bc]) as tf.Tensor2D;
    parts.push(tf.reshape(tf.matMul(ai, bi), [1, ar, bc]));
  }
  return tf.concat(parts, 0) as tf.Tensor3D;
}

const t12 = (x: tf.Tensor3D) => tf.transpose(x, [0, 2, 1]) as tf.Tensor3D;

function perHead(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor4D | null, batch: number): tf.Tensor3D {
  const op = customOp<tf.Tensor3D>((inputs, save) => {
    const [qq, kk, vv] = inputs as tf.Tensor3D[];
    const p = tf.softmax(addMask(loopMatMul(qq, t12(kk)), mask, batch)) as tf.Tensor3D; // [n, R, Tk]
    save([qq, kk, vv, p]);
    return {
      value: loopMatMul(p, vv), // [n, R, hd]
      gradFunc: (dO, saved) => {
        const [qs, ks, vs, ps] = saved as tf.Tensor3D[];
        const dV = loopMatMul(t12(ps), dO); //      Pᵀ·dO   [n, Tk, hd]
        const dP = loopMatMul(dO, t12(vs)); //      dO·Vᵀ   [n, R, Tk]
        const dS = tf.mul(ps, tf.sub(dP, tf.sum(tf.mul(dP, ps), -1, true))) as tf.Tensor3D; // softmax backward
        const dQ = loopMatMul(dS, ks); //           dS·K    [n, R, hd]
        const dK = loopMatMul(t12(dS), qs); //      dSᵀ·Q   [n, Tk, hd]
        return [dQ, dK, dV];
      }
    };
  });
  return op(q, k, v);
}

/** [N, heads·hd] → [B·heads, T, hd] (the attention layout, G = 1). */
export function toHeads(x: tf.Tensor, b: number, t: number, heads: number, hd: number): tf.Tensor3D {
  return tf.reshape(tf.transpose(tf.reshape(x, [b, t, heads, hd]), [0, 2, 1, 3]), [b * heads, t, hd]) as tf.Tensor3D;
}

/** Attention over the layout above. `batch` = B (to broadcast a per-sequence mask). */
export function attention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor4D | null, batch: number, strategy?: AttentionStrategy): tf.Tensor3D {
  const s = strategy ?? chooseStrategy(q.shape[1], k.shape[1]);
  return s === 'per-head' ? perHead(q, k, v, mask, batch) : batched(q, k, v, mask, batch);
}

/**
 * The additive mask for `queryLen` new positions after `pastLen` cached ones: causal over
 * absolute positions, plus padding when `keyMask` (B rows of pastLen + queryLen, 1 = real token,
 * 0 = padding) is given. Rows repeat for the G query heads of a KV head. Null when nothing is
 * masked (one new position, no padding). Shape [B or 1, 1, G·Tq, Tk].
 *
 * Packed rows (`starts`, row-major [B, Tq], no cache): query t also never sees a key before
 * starts[t], the first position of its own segment — causal and block-diagonal. Built once per
 * forward pass and shared by every layer.
 */
export function buildMask(groups: number, queryLen: number, pastLen: number, keyMask?: ArrayLike<number>[], starts?: Int32Array): tf.Tensor4D | null {
  const tk = pastLen + queryLen;
  if (!keyMask && !starts && queryLen === 1) return null;
  if (starts && (pastLen !== 0 || starts.length % queryLen !== 0)) throw new Error('segment starts need a forward pass without cache over whole rows');
  const rows = groups * queryLen;
  const b = keyMask ? keyMask.length : starts ? starts.length / queryLen : 1;
  const data = new Float32Array(b * rows * tk);
  for (let bi = 0; bi < b; bi++) {
    const km = keyMask?.[bi];
    if (km && km.length !== tk) throw new Error(`attention mask row ${bi} has ${km.length} entries, expected ${tk}`);
    for (let g = 0; g < groups; g++) {
      for (let t = 0; t < queryLen; t++) {
        const base = ((bi * groups + g) * queryLen + t) * tk;
        const first = starts ? starts[bi * queryLen + t] : 0; // first key this query may see
        const limit = pastLen + t; // last key this query may see
        for (let j = 0; j < tk; j++) if (j < first || j > limit || (km && !km[j])) data[base + j] = MASKED;
      }
    }
  }
  return tf.tensor4d(data, [b, 1, rows, tk]);
}
