/**
 * A typed wrapper over tf.customGrad. The forward runs inside its own tidy scope and is not
 * recorded on the gradient tape; every tensor the backward needs must be an input or be passed to
 * `save` (kept until backprop) — never a closure over a tensor from the caller: the caller's tidy
 * scope (e.g. the model's forward) may end before backprop. Model-lifetime tensors (variables,
 * constants a model keeps) are the only safe closures.
 * Gradients flow only to the tensors passed as inputs, one gradient per input.
 */
import * as tf from '@tensorflow/tfjs-core';
import './gradients.ts';

export type Saver = (tensors: tf.Tensor[]) => void;

export interface CustomResult<T extends tf.Tensor> {
  value: T;
  gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor[];
}

export function customOp<T extends tf.Tensor>(f: (inputs: tf.Tensor[], save: Saver) => CustomResult<T>): (...inputs: tf.Tensor[]) => T {
  const g = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as Saver;
    const r = f(args as tf.Tensor[], save);
    // tfjs calls a custom gradient outside any tidy scope of its own (tape.ts: node.gradient(dys)),
    // so everything the backward makes would live until the whole backward pass ends (measured:
    // +2 GB on a stories15M step at batch 8). Keep only the returned gradients.
    return { value: r.value, gradFunc: (dy: T, saved: tf.Tensor[]) => tf.tidy(() => r.gradFunc(dy, saved)) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (...inputs: tf.Tensor[]) => {
    // Outside tf.grads / variableGrads the wrapper only adds bookkeeping (a scope per call, ~2× the
    // cost of the op itself for single-token decoding): run the forward directly.
    if (!recording()) return tf.tidy(() => f(inputs, () => {}).value);
    return g(...inputs) as T;
  };
}

/** True while a gradient tape records (inside tf.grads / tf.variableGrads, outside kernels). */
export function recording(): boolean {
  const state = tf.engine().state;
  return state.gradientDepth > 0 && state.kernelDepth === 0;
}
