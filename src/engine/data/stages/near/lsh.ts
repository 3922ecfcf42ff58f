/**
 * LSH banding: a row's signature is cut into `bands` bands of `rows` values; rows whose values
 * agree on a whole band land in the same bucket and become candidate pairs. Buckets are found by
 * radix-sorting (band hash, row) pairs, which is faster than hash maps or comparison sorts at a
 * million rows and needs no per-bucket allocation.
 */

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The band hashes of `count` signatures (P values each) into keys[row * bands + b]. */
export function bandKeys(signatures: Int32Array, count: number, P: number, bands: number, rows: number, keys: Int32Array, firstRow: number): void {
  for (let r = 0; r < count; r++) {
    const base = r * P;
    for (let b = 0; b < bands; b++) {
      let h = b + 1;
      const start = base + b * rows;
      for (let j = 0; j < rows; j++) h = Math.imul(((h << 13) | (h >>> 19)) ^ signatures[start + j], 0x5bd1e995);
      keys[(firstRow + r) * bands + b] = fmix32(h);
    }
  }
}

/** Buckets larger than this pair each member with the bucket's first and previous member only. */
const ALL_PAIRS_UP_TO = 16;

/**
 * Stable LSD radix sort of (key, row) pairs by key, two 16-bit passes. Rows come in ascending, so
 * within a bucket they stay ascending. Returns the arrays holding the result.
 */
function radixSort(keys: Uint32Array, rows: Int32Array, tmpKeys: Uint32Array, tmpRows: Int32Array, m: number, counts: Int32Array): [Uint32Array, Int32Array] {
  let src: [Uint32Array, Int32Array] = [keys, rows];
  let dst: [Uint32Array, Int32Array] = [tmpKeys, tmpRows];
  for (const shift of [0, 16]) {
    counts.fill(0);
    const [sk, sr] = src;
    const [dk, dr] = dst;
    for (let i = 0; i < m; i++) counts[(sk[i] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const k = sk[i];
      const at = counts[(k >>> shift) & 0xffff]++;
      dk[at] = k;
      dr[at] = sr[i];
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/**
 * Calls `pair(i, j)` (i < j) for candidate pairs of every band. Rows flagged in `skip` (no
 * shingles) take no part. The same pair may be reported by several bands.
 */
export function forEachCandidate(keys: Int32Array, n: number, bands: number, skip: Uint8Array, pair: (i: number, j: number) => void): void {
  const k1 = new Uint32Array(n);
  const r1 = new Int32Array(n);
  const k2 = new Uint32Array(n);
  const r2 = new Int32Array(n);
  const counts = new Int32Array(65536);
  for (let b = 0; b < bands; b++) {
    let m = 0;
    for (let r = 0; r < n; r++) {
      if (skip[r]) continue;
      k1[m] = keys[r * bands + b];
      r1[m++] = r;
    }
    const [sk, sr] = radixSort(k1, r1, k2, r2, m, counts);
    let start = 0;
    while (start < m) {
      const key = sk[start];
      let end = start + 1;
      while (end < m && sk[end] === key) end++;
      const size = end - start;
      if (size > 1) {
        if (size <= ALL_PAIRS_UP_TO) {
          for (let x = start; x < end; x++) for (let y = x + 1; y < end; y++) pair(sr[x], sr[y]);
        } else {
          for (let x = start + 1; x < end; x++) {
            pair(sr[start], sr[x]);
            if (x > start + 1) pair(sr[x - 1], sr[x]);
          }
        }
      }
      start = end;
    }
  }
}
