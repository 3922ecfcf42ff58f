/**
 * Gradients for the few kernels that the models (and a trainer around them) differentiate with
 * TensorFlow.js autodiff: elementwise arithmetic, reshapes, transposes, reductions, split/concat.
 *
 * Why this exists: @tensorflow/tfjs-core ships its gradient definitions only as ES modules that
 * Node cannot load (extensionless imports), and only the umbrella @tensorflow/tfjs package (which
 * tfjs-node depends on) registers them. Without it, tf.grads fails with "gradient function not
 * found". Everything heavier in the models has a hand-written gradient (customOp) anyway, so this
 * small closed set is all the autodiff path needs. Registration is skipped for kernels that already
 * have a gradient (e.g. when tfjs-node brought @tensorflow/tfjs).
 */
import * as tf from '@tensorflow/tfjs-core';

type Dy = tf.Tensor;
type GradMap = Record<string, () => tf.Tensor>;

/** Sums a broadcast gradient back to `shape`. */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, dy.shape);
  const summed = axes.length > 0 ? tf.sum(dy, axes) : dy;
  return tf.reshape(summed, shape);
}

function register(kernelName: string, config: Omit<tf.GradConfig, 'kernelName'>): void {
  if (tf.getGradient(kernelName)) return;
  tf.registerGradient({ kernelName, ...config });
}

/** Broadcasts a reduced gradient back to the input shape. */
function expandReduced(dy: tf.Tensor, xShape: number[], axisAttr: number | number[]): tf.Tensor {
  const axes = tf.util.parseAxisParam(axisAttr, xShape);
  const kept = xShape.map((d, i) => (axes.includes(i) ? 1 : d));
  return tf.mul(tf.reshape(dy, kept), tf.ones(xShape));
}

let done = false;

export function registerBasicGradients(): void {
  if (done) return;
  done = true;
  register(tf.Add, {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => ({ a: () => unbroadcast(dy as Dy, saved[0].shape), b: () => unbroadcast(dy as Dy, saved[1].shape) })
  });
  register(tf.Sub, {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => ({ a: () => unbroadcast(dy as Dy, saved[0].shape), b: () => tf.neg(unbroadcast(dy as Dy, saved[1].shape)) })
  });
  register(tf.Multiply, {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const [a, b] = saved;
      return { a: () => unbroadcast(tf.mul(dy as Dy, tf.cast(b, 'float32')), a.shape), b: () => unbroadcast(tf.mul(dy as Dy, tf.cast(a, 'float32')), b.shape) };
    }
  });
  register(tf.RealDiv, {
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved): GradMap => {
      const [a, b] = saved;
      return { a: () => unbroadcast(tf.div(dy as Dy, b), a.shape), b: () => unbroadcast(tf.neg(tf.div(tf.mul(dy as Dy, a), tf.square(b))), b.shape) };
    }
  });
  register(tf.AddN, {
    saveAllInputs: true,
    gradFunc: (dy, saved): GradMap => Object.fromEntries(saved.map((_, i) => [i, () => (dy as Dy).clone()]))
  });
  register(tf.Neg, { gradFunc: (dy): GradMap => ({ x: () => tf.neg(dy as Dy) }) });
  register(tf.Square, { inputsToSave: ['x'], gradFunc: (dy, saved): GradMap => ({ x: () => tf.mul(dy as Dy, tf.mul(saved[0], 2)) }) });
  register(tf.Identity, { gradFunc: (dy): GradMap => ({ x: () => (dy as Dy).clone() }) });
  register(tf.Cast, { inputsToSave: ['x'], gradFunc: (dy): GradMap => ({ x: () => (dy as Dy).clone() }) });
  register(tf.Reshape, { inputsToSave: ['x'], gradFunc: (dy, saved): GradMap => ({ x: () => tf.reshape(dy as Dy, saved[0].shape) }) });
  register(tf.Transpose, {
    gradFunc: (dy, _saved, attrs): GradMap => {
      const perm = attrs.perm as number[];
      const inverse = perm.map((_, i) => perm.indexOf(i));
      return { x: () => tf.transpose(dy as Dy, inverse) };
    }
  });
  register(tf.Sum, {
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => ({ x: () => expandReduced(dy as Dy, saved[0].shape, attrs.axis as number | number[]) })
  });
  register(tf.Mean, {
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs): GradMap => {
      const x = saved[0];
      const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
      const count = axes.reduce((n, a) => n * x.shape[a], 1);
      return { x: () => tf.div(expandReduced(dy as Dy, x.shape, axes), count) };
    }
  });
  register(tf.SplitV, {
    gradFunc: (dy, _saved, attrs): GradMap => ({ x: () => tf.concat(dy as tf.Tensor[], attrs.axis as number) })
  });
  register(tf.Concat, {
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs): GradMap => {
      const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0].shape)[0];
      const sizes = saved.map((t) => t.shape[axis]);
      const parts = tf.split(dy as Dy, sizes, axis);
      return Object.fromEntries(parts.map((p, i) => [i, () => p]));
    }
  });
}

registerBasicGradients();
