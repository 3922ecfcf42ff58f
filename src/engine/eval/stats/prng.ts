/**
 * A small seeded PRNG: xoshiro128** (Blackman & Vigna) seeded through splitmix32, so the same
 * seed gives the same resamples on every machine and Node version. (sacreBLEU draws with numpy's
 * PCG64; its exact index sequence is not reproduced — only the procedure and the default seed.)
 */
export interface Prng {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
  /** Uniform float in [0, 1). */
  next(): number;
}

export function seededPrng(seed: number): Prng {
  let x = seed >>> 0;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  return {
    nextUint32,
    // Multiply-shift: maps 32 random bits onto [0, n) with bias below n / 2^32 (negligible for corpora).
    nextInt: (n) => Math.floor((nextUint32() / 4294967296) * n),
    next: () => nextUint32() / 4294967296
  };
}

function rotl(v: number, k: number): number {
  return (v << k) | (v >>> (32 - k));
}
