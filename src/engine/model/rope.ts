/**
 * Rotary position embeddings, Hugging Face convention ("rotate_half"): dimension i of a head is
 * paired with i + headDim/2, and
 *
 *   rope(x)[p] = x * cos[p] + rotate_half(x) * sin[p],   rotate_half([a, b]) = [-b, a]
 *
 * with cos/sin tables of shape [positions, headDim] built as cat(freqs, freqs). The angles are
 * computed in float64 and rounded once, which is closer to exact arithmetic than PyTorch's float32
 * tables (the reference differs from exact by ~1e-5 at late positions; see models/README).
 */
import type { RopeScaling } from './config.ts';

/** inv_freq[i] = 1 / theta^(2i / headDim), adjusted by rope_scaling. Length headDim / 2. */
export function ropeInvFreq(headDim: number, theta: number, scaling: RopeScaling | null): Float64Array {
  const half = headDim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / Math.pow(theta, (2 * i) / headDim);
  if (!scaling) return inv;
  if (scaling.type === 'linear') {
    // Positions divided by the factor is the same as dividing every frequency by it.
    for (let i = 0; i < half; i++) inv[i] /= scaling.factor;
    return inv;
  }
  // 'llama3': long wavelengths are slowed by `factor`, short ones kept, the band between blended.
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: oldCtx } = scaling;
  const lowFreqWavelen = oldCtx / lowFreqFactor;
  const highFreqWavelen = oldCtx / highFreqFactor;
  for (let i = 0; i < half; i++) {
    const wavelen = (2 * Math.PI) / inv[i];
    if (wavelen > lowFreqWavelen) inv[i] = inv[i] / factor;
    else if (wavelen >= highFreqWavelen) {
      const smooth = (oldCtx / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
      inv[i] = (1 - smooth) * (inv[i] / factor) + smooth * inv[i];
    }
  }
  return inv;
}

/** cos and sin tables [positions, headDim] (row p = position p), float32. */
export function ropeTables(positions: number, headDim: number, invFreq: Float64Array): { cos: Float32Array; sin: Float32Array } {
  const half = headDim / 2;
  const cos = new Float32Array(positions * headDim);
  const sin = new Float32Array(positions * headDim);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const a = p * invFreq[i];
      const c = Math.cos(a);
      const s = Math.sin(a);
      cos[p * headDim + i] = c;
      cos[p * headDim + i + half] = c;
      sin[p * headDim + i] = s;
      sin[p * headDim + i + half] = s;
    }
  }
  return { cos, sin };
}

/**
 * rotate_half as a [headDim, headDim] matrix R with x·R = rotate_half(x): column j < half takes
 * -x[j + half], column j >= half takes x[j - half]. A plain 2-D matMul by R runs on XNNPACK, where
 * slicing the halves apart would copy the whole input (the WASM Slice kernel reads all of it).
 */
export function rotateHalfMatrix(headDim: number, transpose = false): Float32Array {
  const half = headDim / 2;
  const r = new Float32Array(headDim * headDim);
  const set = (row: number, col: number, v: number) => {
    if (transpose) r[col * headDim + row] = v;
    else r[row * headDim + col] = v;
  };
  for (let j = 0; j < half; j++) {
    set(j + half, j, -1);
    set(j, j + half, 1);
  }
  return r;
}
