/**
 * Faster replacements for four data-movement kernels of the WASM backend. Measured here
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

/**
 * Transpose: the package's kernel moves ~6–18 ns per element (measured: [2048, 288] in 11 ms,
 * [48, 256, 256] with perm [0, 2, 1] in 20 ms). Adjacent axes that stay adjacent are merged first;
 * then either the last axis stays last (copy contiguous runs) or the problem is a batch of 2-D
 * transposes. Anything else goes to the package's kernel.
 */
function mergeAxes(shape: number[], perm: number[]): { shape: number[]; perm: number[] } {
  // Drop size-1 axes (they move nothing), then merge input axes that stay consecutive.
  const keep = perm.filter((a) => shape[a] !== 1);
  const order = [...keep].sort((a, b) => a - b);
  const rank = new Map(order.map((a, i) => [a, i]));
  let p = keep.map((a) => rank.get(a)!);
  let sh = order.map((a) => shape[a]);
  for (let k = 0; k + 1 < p.length; ) {
    if (p[k + 1] === p[k] + 1) {
      const a = p[k];
      sh = [...sh.slice(0, a), sh[a] * sh[a + 1], ...sh.slice(a + 2)];
      p = [...p.slice(0, k + 1), ...p.slice(k + 2)].map((x) => (x > a ? x - 1 : x));
    } else k++;
  }
  return { shape: sh.length ? sh : [1], perm: p.length ? p : [0] };
}

/** 4-byte elements moved as Int32 (bit-exact for float32, and one element type keeps V8's loops monomorphic). */
function transposeImpl(x: Int32Array, shape: number[], perm: number[], out: Int32Array): boolean {
  const r = perm.length;
  if (r === 1) {
    out.set(x.subarray(0, out.length));
    return true;
  }
  const strides = tf.util.computeStrides(shape).concat([1]);
  if (perm[r - 1] === r - 1) {
    // Runs of the last axis, in output order.
    const run = shape[r - 1];
    const outShape = perm.slice(0, r - 1).map((a) => shape[a]);
    const count = outShape.reduce((a, b) => a * b, 1);
    const idx = new Array(r - 1).fill(0);
    for (let k = 0, dst = 0; k < count; k++, dst += run) {
      let src = 0;
      for (let d = 0; d < r - 1; d++) src += idx[d] * strides[perm[d]];
      if (run > 16) out.set(x.subarray(src, src + run), dst);
      else for (let j = 0; j < run; j++) out[dst + j] = x[src + j];
      for (let d = r - 2; d >= 0; d--) {
        if (++idx[d] < outShape[d]) break;
        idx[d] = 0;
      }
    }
    return true;
  }
  // A batch of 2-D transposes: [B, M, N] → [B, N, M] (or [M, N] → [N, M]). Reading strided and
  // writing contiguously measured faster here than 32×32 tiles either way round.
  const batched = r === 3 && perm[0] === 0 && perm[1] === 2 && perm[2] === 1;
  if (!(r === 2 || batched)) return false;
  const [bsz, m, n] = r === 2 ? [1, shape[0], shape[1]] : shape;
  for (let b = 0; b < bsz; b++) {
    const base = b * m * n;
    for (let j = 0; j < n; j++) {
      const row = base + j * m;
      for (let i = 0, src = base + j; i < m; i++, src += n) out[row + i] = x[src];
    }
  }
  return true;
}

let installed = false;

export function installFastWasmKernels(): void {
  if (installed) return;
  installed = true;
  const original = {
    slice: tf.getKernel(tf.Slice, 'wasm'),
    split: tf.getKernel(tf.SplitV, 'wasm'),
    gather: tf.getKernel(tf.GatherV2, 'wasm'),
    transpose: tf.getKernel(tf.Transpose, 'wasm')
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

  replace(tf.Transpose, (args) => {
    const { inputs, backend } = args;
    const x = inputs.x as tf.TensorInfo;
    const perm = (args.attrs?.perm as number[]) ?? [];
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return original.transpose!.kernelFunc(args);
    const b = backend as unknown as WasmBackendLike;
    const outShape = perm.map((a) => x.shape[a]);
    const { shape, perm: p } = mergeAxes(x.shape, perm);
    const r = p.length;
    const simple = r === 1 || p[r - 1] === r - 1 || r === 2 || (r === 3 && p[0] === 0 && p[1] === 2 && p[2] === 1);
    if (!simple) return original.transpose!.kernelFunc(args);
    const out = b.makeOutput(outShape, x.dtype);
    if (tf.util.sizeFromShape(outShape) === 0) return out;
    const i32 = (a: TypedArray) => new Int32Array(a.buffer, a.byteOffset, a.length);
    transposeImpl(i32(b.typedArrayFromHeap(x)), shape, p, i32(b.typedArrayFromHeap(out)));
    return out;
  });
}
