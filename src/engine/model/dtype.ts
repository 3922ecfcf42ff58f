/**
 * Half-precision conversions for safetensors F16 / BF16 tensors. Models compute in float32; these
 * run once at load and save time. Narrowing rounds to nearest, ties to even, like PyTorch.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits → float32. */
export function f16ToF32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const h = src[i];
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) {
      // zero or subnormal: mant × 2^-24
      const v = mant * 5.960464477539063e-8;
      out[i] = sign ? -v : v;
    } else if (exp === 31) {
      u32[0] = sign | 0x7f800000 | (mant << 13);
      out[i] = f32[0];
    } else {
      u32[0] = sign | ((exp + 112) << 23) | (mant << 13);
      out[i] = f32[0];
    }
  }
  return out;
}

/** bfloat16 bits → float32 (the high half of a float32). */
export function bf16ToF32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16;
  return out;
}

/** float32 → bfloat16 bits, round to nearest even; NaN stays NaN. */
export function f32ToBf16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) {
    f32[0] = src[i];
    const x = u32[0];
    if ((x & 0x7fffffff) > 0x7f800000) {
      out[i] = (x >>> 16) | 0x40;
      continue;
    }
    out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return out;
}

/** float32 → IEEE binary16 bits, round to nearest even, overflow to ±Inf, underflow to subnormals. */
export function f32ToF16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) {
    f32[0] = src[i];
    const x = u32[0];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    const e = exp - 127 + 15;
    if (e >= 31) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      const half = 1 << (shift - 1);
      const rest = mant & ((1 << shift) - 1);
      let m = mant >>> shift;
      if (rest > half || (rest === half && (m & 1))) m++;
      out[i] = sign | m;
      continue;
    }
    const m = mant >>> 13;
    const rest = mant & 0x1fff;
    // A carry out of the mantissa correctly bumps the exponent (and reaches Inf at the top).
    const round = rest > 0x1000 || (rest === 0x1000 && (m & 1)) ? 1 : 0;
    out[i] = (sign | (e << 10) | m) + round;
  }
  return out;
}
