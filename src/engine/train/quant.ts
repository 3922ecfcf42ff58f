/**
 * INT8 weight-only quantisation, symmetric, one scale per output channel:
 *
 *   scale[o] = max_i |W[i, o]| / 127        q[i, o] = round(W[i, o] / scale[o]) ∈ [−127, 127]
 *   W ≈ q · scale                             (W stored [in, out]; o = output channel)
 *
 * Used two ways:
 *   - QLoRA-style training: `Int8Linear` is a frozen base projection that keeps only the int8
 *     values and scales in JavaScript memory (1 byte per weight instead of 4) and dequantises
 *     into a temporary float32 matrix for each matMul — forward, and again (directly in the
 *     transposed layout) in backward, so no float copy of the base lives across a step, as
 *     bitsandbytes does for QLoRA;
 *   - the int8 export (export.ts), with the same arithmetic.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM } from '../model/causal-lm.ts';
import { DenseLinear, type Linear } from '../model/linear.ts';
import { customOp, recording } from '../model/grad.ts';

export interface Int8Matrix {
  rows: number;
  cols: number;
  /** Row-major [rows, cols]. */
  q: Int8Array;
  /** One per column (the output channel of a [in, out] weight). */
  scale: Float32Array;
}

/** Quantises a row-major [rows, cols] matrix with one scale per column. */
export function quantizeColumns(w: Float32Array, rows: number, cols: number): Int8Matrix {
  const scale = new Float32Array(cols);
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let j = 0; j < cols; j++) {
      const a = Math.abs(w[r + j]);
      if (a > scale[j]) scale[j] = a;
    }
  }
  for (let j = 0; j < cols; j++) scale[j] = scale[j] > 0 ? scale[j] / 127 : 1;
  const q = new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let j = 0; j < cols; j++) q[r + j] = Math.max(-127, Math.min(127, Math.round(w[r + j] / scale[j])));
  }
  return { rows, cols, q, scale };
}

/** Quantises a row-major [rows, cols] matrix with one scale per row (HF [out, in] weights). */
export function quantizeRows(w: Float32Array, rows: number, cols: number): Int8Matrix {
  const scale = new Float32Array(rows);
  const q = new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    let m = 0;
    for (let j = 0; j < cols; j++) m = Math.max(m, Math.abs(w[r + j]));
    const s = m > 0 ? m / 127 : 1;
    scale[i] = s;
    for (let j = 0; j < cols; j++) q[r + j] = Math.max(-127, Math.min(127, Math.round(w[r + j] / s)));
  }
  return { rows, cols, q, scale };
}

/** q · scale (per column) as row-major [rows, cols]. */
export function dequantizeColumns(m: Int8Matrix): Float32Array {
  const out = new Float32Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) {
    const r = i * m.cols;
    for (let j = 0; j < m.cols; j++) out[r + j] = m.q[r + j] * m.scale[j];
  }
  return out;
}

/** The transpose of dequantizeColumns: [cols, rows] (the backward pass's Wᵀ, no extra copy). */
export function dequantizeColumnsT(m: Int8Matrix): Float32Array {
  const out = new Float32Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) {
    const r = i * m.cols;
    for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.q[r + j] * m.scale[j];
  }
  return out;
}

/** A frozen projection held in INT8 (see the file comment). */
export class Int8Linear implements Linear {
  constructor(
    readonly name: string,
    readonly weight: Int8Matrix,
    /** Kept in float32 (frozen): biases are tiny. */
    readonly bias?: tf.Variable
  ) {}

  get inFeatures(): number {
    return this.weight.rows;
  }
  get outFeatures(): number {
    return this.weight.cols;
  }
  /** Bytes held: int8 values + float32 scales. */
  get bytes(): number {
    return this.weight.q.byteLength + this.weight.scale.byteLength;
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    const m = this.weight;
    const b = this.bias;
    const fwd = (xx: tf.Tensor2D) => {
      const y = tf.matMul(xx, tf.tensor2d(dequantizeColumns(m), [m.rows, m.cols]));
      return b ? tf.add(y, b) : y;
    };
    if (!recording()) return tf.tidy(() => fwd(x) as tf.Tensor2D);
    const op = customOp<tf.Tensor2D>(([xx]) => ({
      value: fwd(xx as tf.Tensor2D) as tf.Tensor2D,
      gradFunc: (dy) => [tf.matMul(dy, tf.tensor2d(dequantizeColumnsT(m), [m.cols, m.rows]))]
    }));
    return op(x);
  }
}

export interface QuantizeReport {
  /** Projections held in INT8. */
  layers: number;
  /** Bytes of those weights in float32 before, and as int8 + scales after. */
  float32Bytes: number;
  int8Bytes: number;
  savedBytes: number;
}

/**
 * Replaces every dense projection of the transformer blocks with an Int8Linear and frees its
 * float32 weight. Embeddings, norms and an untied lm_head stay float32 (the fused loss needs the
 * head as one float matrix). The model's params keep the freed variables' entries (shape only):
 * export the float model from its folder, not from a quantised model.
 */
export function quantizeModel(model: CausalLM): QuantizeReport {
  const report: QuantizeReport = { layers: 0, float32Bytes: 0, int8Bytes: 0, savedBytes: 0 };
  for (const [name, l] of [...model.linears]) {
    if (name === 'lm_head' || !(l instanceof DenseLinear)) continue;
    const v = l.weight.variable;
    const [rows, cols] = v.shape as [number, number];
    const m = quantizeColumns(v.dataSync() as Float32Array, rows, cols);
    const q = new Int8Linear(name, m, l.bias?.variable);
    model.replaceLinear(name, q);
    v.dispose();
    report.layers++;
    report.float32Bytes += rows * cols * 4;
    report.int8Bytes += q.bytes;
  }
  report.savedBytes = report.float32Bytes - report.int8Bytes;
  return report;
}
