/**
 * Linear projections: y = x·W (+ b), with W stored [in, out].
 *
 * Why [in, out] and a custom gradient: on the WASM backend only a plain 2-D matMul without
 * transpose flags runs on XNNPACK (~40 GFLOP/s on one core here); transposed or batched matMuls
 * fall to a scalar loop (~1–3 GFLOP/s). tf's own matMul gradient uses transpose flags, so the
 * backward pass here transposes the small operand explicitly and then multiplies plainly:
 *
 *   dx = dy · Wᵀ       (Wᵀ: one [out, in] copy)
 *   dW = xᵀ · dy       (xᵀ: one [in, N] copy)      only when W is a trainable tf.Variable
 *   db = Σ_rows dy                                 only when b is a trainable tf.Variable
 *
 * Every projection of every architecture goes through a `Linear` object looked up by its Hugging
 * Face module name, so a LoRA adapter (part 2) replaces the entry with a wrapper around it, and an
 * INT8 base can implement the same interface by dequantising its weight inside `apply`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './grad.ts';

/** A stored parameter: the tf.Variable plus how it maps to the Hugging Face tensor. */
export interface Param {
  /** Hugging Face tensor name, e.g. "model.layers.0.self_attn.q_proj.weight". */
  name: string;
  variable: tf.Variable;
  /** Shape of the Hugging Face tensor (safetensors). */
  hfShape: number[];
  /** Stored as the transpose of the Hugging Face tensor (2-D only). */
  transposed: boolean;
}

/** One named projection. `apply` takes and returns 2-D tensors: [N, in] → [N, out]. */
export interface Linear {
  /** Hugging Face module name, e.g. "model.layers.0.self_attn.q_proj" or "transformer.h.0.attn.c_attn". */
  readonly name: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  apply(x: tf.Tensor2D): tf.Tensor2D;
}

export function isTrainable(t: tf.Tensor | undefined): boolean {
  return t instanceof tf.Variable && t.trainable;
}

/** x [N, in] · w [in, out] (+ b [out]) with the XNNPACK-friendly gradient described above. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  const trainW = isTrainable(w);
  const trainB = b !== undefined && isTrainable(b);
  const dxOf = (dy: tf.Tensor2D, ww: tf.Tensor) => tf.matMul(dy, tf.transpose(ww));
  if (!trainW && !trainB) {
    // Frozen weights: the gradient flows to x only (LoRA base layers, evaluation). w is saved, not
    // closed over: it may be a temporary (e.g. dequantised from INT8 for this step).
    const op = customOp<tf.Tensor2D>(([xx], save) => {
      save([w]);
      return {
        value: b ? tf.add(tf.matMul(xx as tf.Tensor2D, w), b) : tf.matMul(xx as tf.Tensor2D, w),
        gradFunc: (dy, [ws]) => [dxOf(dy, ws)]
      };
    });
    return op(x);
  }
  if (b === undefined) {
    const op = customOp<tf.Tensor2D>(([xx, ww], save) => {
      save([xx]);
      return {
        value: tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D),
        gradFunc: (dy, saved) => [dxOf(dy, w), tf.matMul(tf.transpose(saved[0]), dy)]
      };
    });
    return op(x, w);
  }
  const op = customOp<tf.Tensor2D>(([xx, ww, bb], save) => {
    save([xx]);
    return {
      value: tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb),
      gradFunc: (dy, saved) => [
        dxOf(dy, w),
        trainW ? tf.matMul(tf.transpose(saved[0]), dy) : tf.zerosLike(ww),
        trainB ? tf.sum(dy, 0) : tf.zerosLike(bb)
      ]
    };
  });
  return op(x, w, b);
}

/** The plain dense projection every architecture starts with. */
export class DenseLinear implements Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  constructor(
    readonly name: string,
    readonly weight: Param,
    readonly bias?: Param
  ) {
    const [inF, outF] = weight.variable.shape;
    this.inFeatures = inF;
    this.outFeatures = outF;
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return linear(x, this.weight.variable as tf.Tensor2D, this.bias?.variable as tf.Tensor1D | undefined);
  }
}
