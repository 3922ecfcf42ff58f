/**
 * Moving parameters between the Hugging Face layout (safetensors) and the stored layout
 * (see causal-lm.ts: 2-D weights may be stored transposed).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WeightSource } from './weights.ts';
import type { CausalLM } from './causal-lm.ts';
import type { TensorToWrite } from './safetensors.ts';

export class WeightError extends Error {
  constructor(
    readonly file: string,
    readonly tensor: string,
    message: string
  ) {
    super(`${file}: tensor '${tensor}' ${message}`);
    this.name = 'WeightError';
  }
}

/** Reads one HF tensor, checks its shape and returns it in stored layout. */
export function readParam(src: WeightSource, name: string, hfShape: number[], transpose: boolean): { value: tf.Tensor; transposed: boolean } {
  if (!src.has(name)) throw new WeightError(src.where(), name, `is missing (expected shape [${hfShape}])`);
  const shape = src.shape(name);
  if (shape.length !== hfShape.length || shape.some((d, i) => d !== hfShape[i])) {
    throw new WeightError(src.where(name), name, `has shape [${shape}], but config.json implies [${hfShape}]`);
  }
  const t = tf.tensor(src.read(name), hfShape, 'float32');
  if (!transpose) return { value: t, transposed: false };
  const tt = tf.transpose(t);
  t.dispose();
  return { value: tt, transposed: true };
}

/** Every parameter in Hugging Face layout, ready for safetensors (tied lm_head omitted, as HF does). */
export async function exportHfTensors(model: CausalLM): Promise<TensorToWrite[]> {
  const out: TensorToWrite[] = [];
  for (const p of model.params.values()) {
    const t = p.transposed ? tf.transpose(p.variable) : p.variable;
    const data = (await t.data()) as Float32Array;
    if (t !== p.variable) t.dispose();
    out.push({ name: p.name, shape: p.hfShape, data: new Float32Array(data) });
  }
  return out;
}
