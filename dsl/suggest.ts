/**
 * "Did you mean ...?": the closest candidate by edit distance (Damerau: a swap of two
 * neighbouring letters counts as one edit), case-insensitive, within a budget that grows with
 * the word's length so that short words only match near-identical ones.
 */

export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[m];
}

/** The best candidate for `word`, or null when none is close enough. */
export function closest(word: string, candidates: Iterable<string>): string | null {
  const w = word.toLowerCase();
  const budget = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const lc = c.toLowerCase();
    if (lc === w) return c;
    let d = editDistance(w, lc);
    // a typed prefix of a long option (`learning` → `learning_rate`) is a fair guess too
    if (w.length >= 4 && lc.startsWith(w)) d = Math.min(d, 1);
    if (d <= budget && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
