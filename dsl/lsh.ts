/**
 * LSH banding for MinHash: given a Jaccard threshold and a number of permutations, the (bands,
 * rows) pair that minimises the weighted area of false positives (pairs below the threshold
 * that become candidates) and false negatives (pairs above it that do not). The same criterion
 * as datasketch's MinHashLSH, computed here so that the Plan carries concrete values.
 */

function integrate(f: (x: number) => number, a: number, b: number, steps = 32): number {
  if (b <= a) return 0;
  const h = (b - a) / steps;
  let s = (f(a) + f(b)) / 2;
  for (let i = 1; i < steps; i++) s += f(a + i * h);
  return s * h;
}

const cache = new Map<string, { bands: number; rows: number }>();

export function lshBands(threshold: number, permutations: number, fpWeight = 0.5, fnWeight = 0.5): { bands: number; rows: number } {
  const key = `${threshold}/${permutations}/${fpWeight}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let best = { bands: 1, rows: permutations };
  let bestErr = Infinity;
  for (let b = 1; b <= permutations; b++) {
    const maxR = Math.floor(permutations / b);
    for (let r = 1; r <= maxR; r++) {
      const p = (s: number) => 1 - (1 - s ** r) ** b;
      const fp = integrate(p, 0, threshold);
      const fn = integrate((s) => 1 - p(s), threshold, 1);
      const err = fpWeight * fp + fnWeight * fn;
      if (err < bestErr - 1e-12) {
        bestErr = err;
        best = { bands: b, rows: r };
      }
    }
  }
  cache.set(key, best);
  return best;
}
