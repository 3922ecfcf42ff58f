/**
 * Adapters from each metric's per-segment statistics to the bootstrap's Resamplable:
 * BLEU and chrF recompute the corpus score from summed n-gram statistics; per-example metrics
 * (ROUGE, sentence BLEU, exact match, style) resample their mean; perplexity and token accuracy
 * resample the token-weighted ratio.
 */
import { bleuFromStats } from '../bleu/bleu-score.ts';
import type { BleuStatistics } from '../bleu/bleu.ts';
import { chrfFromStats } from '../chrf/chrf-score.ts';
import type { ChrfStatistics } from '../chrf/chrf.ts';
import type { TokenStats } from '../token-stats.ts';
import type { Resamplable } from './bootstrap.ts';

export function bleuResamplable(st: BleuStatistics): Resamplable {
  return { segments: st.segments, width: st.width, data: st.data, score: (sum) => bleuFromStats(sum, st.options).score };
}

export function chrfResamplable(st: ChrfStatistics): Resamplable {
  return { segments: st.segments, width: st.width, data: st.data, score: (sum) => chrfFromStats(sum, st.options) };
}

/** The mean of per-example values (ROUGE F, sentence BLEU, 0/1 exact match, style score …). */
export function meanResamplable(values: ArrayLike<number>): Resamplable {
  const n = values.length;
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    data[2 * i] = values[i];
    data[2 * i + 1] = 1;
  }
  return { segments: n, width: 2, data, score: (sum) => (sum[1] > 0 ? sum[0] / sum[1] : 0) };
}

/** Token-weighted perplexity exp(Σ loss / Σ tokens) over examples. */
export function perplexityResamplable(examples: readonly TokenStats[]): Resamplable {
  const data = new Float64Array(examples.length * 2);
  examples.forEach((e, i) => {
    data[2 * i] = e.lossSum;
    data[2 * i + 1] = e.tokens;
  });
  return { segments: examples.length, width: 2, data, score: (sum) => Math.exp(sum[0] / sum[1]) };
}

/** Token-weighted accuracy Σ correct / Σ tokens over examples. */
export function tokenAccuracyResamplable(examples: readonly TokenStats[]): Resamplable {
  const data = new Float64Array(examples.length * 2);
  examples.forEach((e, i) => {
    data[2 * i] = e.correct ?? 0;
    data[2 * i + 1] = e.tokens;
  });
  return { segments: examples.length, width: 2, data, score: (sum) => sum[0] / sum[1] };
}
