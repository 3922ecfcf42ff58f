/**
 * chrF/chrF++ from statistics, operation for operation as sacreBLEU 2.6.0's
 * `CHRF._compute_f_score`. Statistics: one [hyp, ref, match] triple per order (character orders
 * first, then word orders). Without eps smoothing (the default) precision and recall are averaged
 * over the orders where both hypothesis and reference have n-grams, then combined as F-beta.
 */

export interface ChrfComputeOptions {
  beta: number;
  epsSmoothing: boolean;
  /** charOrder + wordOrder. */
  order: number;
}

export function chrfFromStats(stats: ArrayLike<number>, o: ChrfComputeOptions, offset = 0): number {
  const eps = 1e-16;
  let score = 0.0;
  let effectiveOrder = 0;
  const factor = o.beta ** 2;
  let avgPrec = 0.0;
  let avgRec = 0.0;
  for (let i = 0; i < o.order; i++) {
    const nHyp = stats[offset + 3 * i];
    const nRef = stats[offset + 3 * i + 1];
    const nMatch = stats[offset + 3 * i + 2];
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effectiveOrder += 1;
    }
  }
  if (o.epsSmoothing) return (100 * score) / o.order;
  if (effectiveOrder === 0) {
    avgPrec = avgRec = 0.0;
  } else {
    avgPrec /= effectiveOrder;
    avgRec /= effectiveOrder;
  }
  if (avgPrec + avgRec) {
    let s = (1 + factor) * avgPrec * avgRec;
    s /= factor * avgPrec + avgRec;
    return 100 * s;
  }
  return 0.0;
}
