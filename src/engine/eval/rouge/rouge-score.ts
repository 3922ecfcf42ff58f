/**
 * ROUGE-N, ROUGE-L and ROUGE-Lsum on integer token ids, as rouge-score 0.1.2 scores one
 * (target, prediction) pair. P/R/F use only + − × ÷ in rouge-score's order, so values are
 * bit-identical.
 */
import { lcsIndices, lcsLength } from './lcs.ts';

export interface PRF {
  precision: number;
  recall: number;
  fmeasure: number;
}

export const ZERO_PRF: PRF = Object.freeze({ precision: 0, recall: 0, fmeasure: 0 });

/** rouge-score's scoring.fmeasure. */
export function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0.0;
}

function prf(precision: number, recall: number): PRF {
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** n-gram counts keyed by the ids joined with ','. */
function ngramCounts(tokens: ArrayLike<number>, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    let key = String(tokens[i]);
    for (let k = 1; k < n; k++) key += ',' + tokens[i + k];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** ROUGE-N: P = overlap / max(prediction n-grams, 1), R = overlap / max(target n-grams, 1). */
export function rougeN(target: ArrayLike<number>, prediction: ArrayLike<number>, n: number): PRF {
  let overlap = 0;
  let targetCount = 0;
  let predictionCount = 0;
  if (n === 1) {
    // Unigrams: count with a Map<number, number>, no string keys.
    const t = new Map<number, number>();
    for (let i = 0; i < target.length; i++) t.set(target[i], (t.get(target[i]) ?? 0) + 1);
    targetCount = target.length;
    predictionCount = prediction.length;
    for (let i = 0; i < prediction.length; i++) {
      const left = t.get(prediction[i]);
      if (left) {
        overlap++;
        t.set(prediction[i], left - 1);
      }
    }
  } else {
    const t = ngramCounts(target, n);
    const p = ngramCounts(prediction, n);
    for (const c of t.values()) targetCount += c;
    for (const [g, c] of p) {
      predictionCount += c;
      const tc = t.get(g);
      if (tc !== undefined) overlap += Math.min(c, tc);
    }
  }
  return prf(overlap / Math.max(predictionCount, 1), overlap / Math.max(targetCount, 1));
}

/** ROUGE-L: LCS / prediction length, LCS / target length; 0 when either is empty. */
export function rougeL(target: ArrayLike<number>, prediction: ArrayLike<number>): PRF {
  if (target.length === 0 || prediction.length === 0) return { ...ZERO_PRF };
  const l = lcsLength(target, prediction);
  return prf(l / prediction.length, l / target.length);
}

/**
 * ROUGE-Lsum: summary-level LCS (ROUGE paper §3.2) with ROUGE-1.5.5's count clipping. For each
 * reference sentence the union of its LCS indices against every candidate sentence is taken; a
 * union token is a hit only while its remaining count is positive in both whole summaries.
 */
export function rougeLsum(targetSents: ReadonlyArray<ArrayLike<number>>, predictionSents: ReadonlyArray<ArrayLike<number>>): PRF {
  if (targetSents.length === 0 || predictionSents.length === 0) return { ...ZERO_PRF };
  let m = 0;
  let n = 0;
  for (const s of targetSents) m += s.length;
  for (const s of predictionSents) n += s.length;
  if (m === 0 || n === 0) return { ...ZERO_PRF };

  const left = new Map<number, [ref: number, can: number]>();
  const bump = (tok: number, k: 0 | 1) => {
    const e = left.get(tok);
    if (e) e[k]++;
    else left.set(tok, k === 0 ? [1, 0] : [0, 1]);
  };
  for (const s of targetSents) for (let i = 0; i < s.length; i++) bump(s[i], 0);
  for (const s of predictionSents) for (let i = 0; i < s.length; i++) bump(s[i], 1);

  let hits = 0;
  for (const r of targetSents) {
    const union = new Set<number>();
    for (const c of predictionSents) for (const idx of lcsIndices(r, c)) union.add(idx);
    const sorted = [...union].sort((a, b) => a - b);
    for (const idx of sorted) {
      const e = left.get(r[idx])!;
      if (e[1] > 0 && e[0] > 0) {
        hits++;
        e[0]--;
        e[1]--;
      }
    }
  }
  return prf(hits / n, hits / m);
}
