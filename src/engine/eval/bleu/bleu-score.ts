/**
 * BLEU from its sufficient statistics, operation for operation as sacreBLEU 2.6.0's
 * `BLEU.compute_bleu`, so scores agree to the last bit wherever exp/log do.
 *
 * Statistics layout (sacreBLEU's): [sys_len, ref_len, correct_1..N, total_1..N].
 * Quirks kept on purpose:
 * - no match at any order → score 0 with all precisions 0 (bp still reported);
 * - the loop stops at the first order with total 0; without effective order that order still
 *   counts in the geometric mean as log(0) = -9999999999, so the score is 0;
 * - `exp` smoothing gives the k-th zero-match order 100 / (2^k · total);
 * - `add-k` adds k to correct and total of orders ≥ 2, and the reported counts/totals include it.
 */

export type BleuSmoothing = 'exp' | 'floor' | 'add-k' | 'none';

/** sacreBLEU's defaults for the smoothing value (Chen & Cherry 2014); null = takes no value. */
export const BLEU_SMOOTH_DEFAULTS: Readonly<Record<BleuSmoothing, number | null>> = {
  none: null,
  floor: 0.1,
  'add-k': 1,
  exp: null
};

export function isBleuSmoothing(s: string): s is BleuSmoothing {
  return Object.hasOwn(BLEU_SMOOTH_DEFAULTS, s);
}

/** One BLEU result, field for field as sacreBLEU's BLEUScore (score on the 0–100 scale). */
export interface BleuScore {
  score: number;
  counts: number[];
  totals: number[];
  precisions: number[];
  bp: number;
  sys_len: number;
  ref_len: number;
}

export interface BleuComputeOptions {
  smooth: BleuSmoothing;
  smoothValue: number | null;
  effectiveOrder: boolean;
  maxNgramOrder: number;
}

/** sacreBLEU's my_log: log with log(0) floored to -9999999999. */
function myLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/** Computes BLEU from summed statistics starting at `offset` of `stats`. */
export function bleuFromStats(stats: ArrayLike<number>, opts: BleuComputeOptions, offset = 0): BleuScore {
  const N = opts.maxNgramOrder;
  const sysLen = stats[offset];
  const refLen = stats[offset + 1];
  const correct: number[] = new Array(N);
  const total: number[] = new Array(N);
  for (let n = 0; n < N; n++) {
    correct[n] = stats[offset + 2 + n];
    total[n] = stats[offset + 2 + N + n];
  }
  const smoothValue = opts.smoothValue ?? BLEU_SMOOTH_DEFAULTS[opts.smooth] ?? 0;

  let bp = 1.0;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0.0;

  const precisions: number[] = new Array(N).fill(0);
  if (!correct.some((c) => c !== 0)) {
    return { score: 0.0, counts: correct, totals: total, precisions, bp, sys_len: sysLen, ref_len: refLen };
  }

  let smoothMteval = 1.0;
  let effOrder = N;
  for (let n = 1; n <= N; n++) {
    if (opts.smooth === 'add-k' && n > 1) {
      correct[n - 1] += smoothValue;
      total[n - 1] += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (opts.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (opts.smooth === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]);
      } else if (opts.smooth === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1];
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]) / total[n - 1];
    }
  }

  let logSum = 0;
  for (let n = 0; n < effOrder; n++) logSum += myLog(precisions[n]);
  const score = bp * Math.exp(logSum / effOrder);
  return { score, counts: correct, totals: total, precisions, bp, sys_len: sysLen, ref_len: refLen };
}
