/**
 * Longest common subsequence over integer token ids, as rouge-score 0.1.2 computes it.
 * `lcsLength` keeps two rows; `lcsIndices` fills the whole table and backtracks with
 * rouge-score's exact rule (match → take i-1 and step both; else if t[i][j-1] > t[i-1][j] step j;
 * else step i), because ROUGE-Lsum's union depends on WHICH longest subsequence is returned.
 */

let rowA = new Int32Array(256);
let rowB = new Int32Array(256);
let table = new Int32Array(4096);

export function lcsLength(ref: ArrayLike<number>, can: ArrayLike<number>): number {
  const m = ref.length;
  const n = can.length;
  if (m === 0 || n === 0) return 0;
  if (rowA.length <= n) {
    rowA = new Int32Array((n + 1) * 2);
    rowB = new Int32Array((n + 1) * 2);
  }
  let prev = rowA;
  let cur = rowB;
  prev.fill(0, 0, n + 1);
  cur[0] = 0;
  for (let i = 1; i <= m; i++) {
    const r = ref[i - 1];
    for (let j = 1; j <= n; j++) {
      if (r === can[j - 1]) cur[j] = prev[j - 1] + 1;
      else {
        const up = prev[j];
        const left = cur[j - 1];
        cur[j] = up > left ? up : left;
      }
    }
    const t = prev;
    prev = cur;
    cur = t;
    cur[0] = 0;
  }
  return prev[n];
}

/** Indices into `ref` of the LCS rouge-score's backtrack returns, ascending. */
export function lcsIndices(ref: ArrayLike<number>, can: ArrayLike<number>): number[] {
  const m = ref.length;
  const n = can.length;
  if (m === 0 || n === 0) return [];
  const w = n + 1;
  if (table.length < (m + 1) * w) table = new Int32Array((m + 1) * w * 2);
  const t = table;
  for (let j = 0; j <= n; j++) t[j] = 0;
  for (let i = 1; i <= m; i++) {
    const row = i * w;
    const up = row - w;
    t[row] = 0;
    const r = ref[i - 1];
    for (let j = 1; j <= n; j++) {
      if (r === can[j - 1]) t[row + j] = t[up + j - 1] + 1;
      else {
        const a = t[up + j];
        const b = t[row + j - 1];
        t[row + j] = a > b ? a : b;
      }
    }
  }
  const out: number[] = [];
  let i = m;
  let j = n;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (t[i * w + j - 1] > t[(i - 1) * w + j]) j--;
    else i--;
  }
  return out.reverse();
}
