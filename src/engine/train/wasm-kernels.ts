/**
 * Faster replacements for three data-movement kernels of the WASM backend. Measured here
 * (stories15M shapes, one thread), the package's versions dominated the per-head attention loop:
 *   - Slice copies its WHOLE input out of the heap on every call (readSync), then the part it
 *     needs: one [1, 256, 256] slice of a [48, 256, 256] tensor took 8.5 ms;
 *   - SplitV calls that Slice once per piece;
 *   - GatherV2 moves ~60–100 ns per element: one [1, 256, 48] slice took 1.2 ms, the token
 *     embedding lookup (axis 1, 2048 ids) 36 ms.
 * The replacements work on views of the WASM heap and copy only what they output, contiguous runs
 * with TypedArray.set. They are registered under the same names for the 'wasm' backend (kernels
 * are looked up by name at call time); the numbers are identical (pure copies, tested).
 *
 * Heap views are taken after makeOutput: allocating may grow WASM memory, which detaches views of
 * the old (non-shared) buffer.
 */
import * as tf from '@tensorflow/tfjs-core';

type TypedArray = Float32Array | Int32Array | Uint8Array;

/**
 * Every kernel the models' forward and backward passes run (checked against the WASM registry by
 * a test). Not in the list on purpose: UnsortedSegmentSum (absent on WASM; tf.gather's gradient
 * needs it, so embedding gradients use ScatterNd) and transposed / batched BatchMatMul in the
 * per-head attention path (they run, but on a scalar loop; see model/linear.ts).
 */
export const REQUIRED_WASM_KERNELS = [
  'BatchMatMul', 'Transpose', 'Reshape', 'Slice', 'SplitV', 'Concat', 'GatherV2', 'ScatterNd', 'Tile', 'Range', 'OneHot',
  'Softmax', 'Max', 'ArgMax', 'Sum', 'Mean', 'Add', 'AddN', 'Sub', 'Multiply', 'Square', 'Rsqrt', 'Sigmoid', 'Tanh', 'Erf',
  'Exp', 'Log', 'Cast', 'Fill', 'ZerosLike'
];

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): TypedArray;
}

/** Copies the box [begin, begin + size) of x (shape xShape) into out, row-major. */
function copyBox(x: TypedArray, xShape: number[], begin: number[], size: number[], out: TypedArray): void {
  const rank = xShape.length;
  const strides = tf.util.computeStrides(xShape);
  // Merge trailing dimensions that are taken whole, so runs are as long as possible.
  let inner = rank - 1;
  while (inner > 0 && begin[inner] === 0 && size[inner] === xShape[inner]) inner--;
  const run = size.slice(inner).reduce((a, b) => a * b, 1);
  const outer = size.slice(0, inner);
  const count = outer.reduce((a, b) => a * b, 1);
  const idx = new Array(inner).fill(0);
  let base = begin[inner] * (inner < rank - 1 ? strides[inner] : 1);
  for (let d = 0; d < inner; d++) base += begin[d] * strides[d];
  for (let k = 0, dst = 0; k < count; k++, dst += run) {
    let src = base;
    for (let d = 0; d < inner; d++) src += idx[d] * strides[d];
    if (run > 16) out.set(x.subarray(src, src + run), dst);
    else for (let j = 0; j < run; j++) out[dst + j] = x[src + j];
    for (let d = inner - 1; d >= 0; d--) {
      if (++idx[d] < outer[d]) break;
      idx[d] = 0;
    }
  }
}

function sliceImpl(backend: WasmBackendLike, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  if (tf.util.sizeFromShape(size) === 0) return out;
  copyBox(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

let installed = false;

export function installFastWasmKernels(): void {
  if (installed) return;
  installed = true;
  const original = {
    slice: tf.getKernel(tf.Slice, 'wasm'),
    split: tf.getKernel(tf.SplitV, 'wasm'),
    gather: tf.getKernel(tf.GatherV2, 'wasm')
  };
  const replace = (kernelName: string, kernelFunc: tf.KernelFunc) => {
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  };

  replace(tf.Slice, (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs ?? {};
    const x = inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original.slice!.kernelFunc(args);
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin as number[], attrs.size as number[]);
    return sliceImpl(backend as unknown as WasmBackendLike, x, begin, size);
  });

  replace(tf.SplitV, (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs ?? {};
    const x = inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original.split!.kernelFunc(args);
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits as number[] | number, axis);
    const begin = new Array(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const out = sliceImpl(backend as unknown as WasmBackendLike, x, [...begin], size);
      begin[axis] += s;
      return out;
    });
  });

  replace(tf.GatherV2, (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs ?? {};
    const x = inputs.x as tf.TensorInfo;
    const indices = inputs.indices as tf.TensorInfo;
    if (x.dtype === 'string' || indices.dtype !== 'int32') return original.gather!.kernelFunc(args);
    const b = backend as unknown as WasmBackendLike;
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x as tf.Tensor, indices as tf.Tensor, axis, (attrs.batchDims as number) ?? 0);
    const out = b.makeOutput(info.outputShape, x.dtype);
    if (tf.util.sizeFromShape(x.shape) === 0 || tf.util.sizeFromShape(info.outputShape) === 0) return out;
    const idx = b.typedArrayFromHeap(indices) as Int32Array;
    const xv = b.typedArrayFromHeap(x);
    const ov = b.typedArrayFromHeap(out);
    const { batchSize, outerSize, dimSize, sliceSize } = info;
    const perBatch = idx.length / batchSize;
    for (let i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= dimSize) throw new Error(`GatherV2: the index value ${idx[i]} is not in [0, ${dimSize - 1}]`);
    }
    let dst = 0;
    for (let bb = 0; bb < batchSize; bb++) {
      for (let o = 0; o < outerSize; o++) {
        const rowBase = (bb * outerSize + o) * dimSize;
        for (let j = 0; j < perBatch; j++) {
          const src = (rowBase + idx[bb * perBatch + j]) * sliceSize;
          if (sliceSize > 16) ov.set(xv.subarray(src, src + sliceSize), dst);
          else for (let s = 0; s < sliceSize; s++) ov[dst + s] = xv[src + s];
          dst += sliceSize;
        }
      }
    }
    return out;
  });
}
