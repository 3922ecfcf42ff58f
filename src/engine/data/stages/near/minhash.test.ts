import { describe, expect, it } from 'vitest';
import { minHasher, minhashJs, permutations } from './minhash.ts';

function lcg(seed: number) {
  let s = seed | 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) | 0);
}

describe('MinHash signatures', () => {
  it('the WebAssembly SIMD kernel gives exactly the reference values, including empty rows and a batch that starts mid-array', () => {
    const perm = permutations(128, 7);
    const next = lcg(3);
    const sizes = [0, 1, 5, 34, 200, 0, 17, 3];
    const offsets = new Int32Array(sizes.length + 1);
    sizes.forEach((n, i) => (offsets[i + 1] = offsets[i] + n));
    const shingles = Int32Array.from({ length: offsets[sizes.length] }, next);
    const wasm = minHasher(perm);
    expect(wasm.engine).toBe('wasm-simd');
    const a = new Int32Array(sizes.length * 128);
    const b = new Int32Array(sizes.length * 128);
    wasm.hash(shingles, offsets, sizes.length, a);
    minhashJs(perm, shingles, offsets, sizes.length, b);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a[0]).toBe(0x7fffffff); // an empty row
    const part = new Int32Array(3 * 128);
    wasm.hash(shingles, offsets.subarray(3, 7), 3, part);
    expect(Array.from(part)).toEqual(Array.from(b.subarray(3 * 128, 6 * 128)));
  });

  it('the share of equal values estimates the Jaccard similarity (the hash family is fit for MinHash)', () => {
    const perm = permutations(128, 42);
    const hasher = minHasher(perm);
    const next = lcg(11);
    const pool = Int32Array.from({ length: 400 }, next);
    const errors: number[] = [];
    for (const shift of [0, 5, 10, 20, 35, 50, 70, 90]) {
      // A = pool[0..100), B = pool[shift..100+shift): Jaccard (100-shift)/(100+shift)
      const offsets = Int32Array.from([0, 100, 200]);
      const sh = new Int32Array(200);
      sh.set(pool.subarray(0, 100), 0);
      sh.set(pool.subarray(shift, shift + 100), 100);
      const out = new Int32Array(256);
      hasher.hash(sh, offsets, 2, out);
      let same = 0;
      for (let k = 0; k < 128; k++) if (out[k] === out[128 + k]) same++;
      errors.push(Math.abs(same / 128 - (100 - shift) / (100 + shift)));
    }
    expect(Math.max(...errors)).toBeLessThan(0.15);
    expect(errors.reduce((x, y) => x + y) / errors.length).toBeLessThan(0.06);
  });

  it('permutations are seeded: same seed, same maps; odd multipliers', () => {
    expect(Array.from(permutations(16, 1).a)).toEqual(Array.from(permutations(16, 1).a));
    expect(Array.from(permutations(16, 1).a)).not.toEqual(Array.from(permutations(16, 2).a));
    expect(Array.from(permutations(64, 9).a).every((a) => (a & 1) === 1)).toBe(true);
  });
});
