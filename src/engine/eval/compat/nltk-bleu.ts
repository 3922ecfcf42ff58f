/**
 * NLTK 3.8's `corpus_bleu` / `sentence_bleu` on token lists, for the LLaMA-Factory-compatible mode
 * and for side-by-side checks. Differences from sacreBLEU that are kept:
 * - each segment's n-gram denominator is max(1, count), so a segment too short for an order adds
 *   1 to that order's denominator (sacreBLEU adds 0);
 * - brevity penalty: 1 when hyp_len > ref_len, 0 when hyp_len = 0, else exp(1 − r/c);
 * - no unigram match → score 0;
 * - smoothing `method3` (NIST geometric: the k-th zero-match order becomes 1/(2^k · denominator))
 *   or `method0` (none: a zero order becomes sys.float_info.min);
 * - log-precisions weighted and summed with math.fsum; uniform weights 1/N.
 * Scores are on NLTK's 0–1 scale.
 */
import { NgramMatcher, emptyMatchCounts } from '../bleu/bleu-stats.ts';
import { fsum } from './fsum.ts';

export type NltkSmoothing = 'method0' | 'method3';

export interface NltkBleuOptions {
  /** Default 4 (weights 0.25 each). */
  maxOrder?: number;
  /** Default 'method0' (NLTK's default: no smoothing). */
  smoothing?: NltkSmoothing;
}

const FLOAT_MIN = 2.2250738585072014e-308;

/** NLTK `closest_ref_length`: min by (|ref − hyp|, ref). */
function closestRefLength(refLens: readonly number[], hypLen: number): number {
  let best = refLens[0];
  for (const r of refLens) {
    const d = Math.abs(r - hypLen);
    const bd = Math.abs(best - hypLen);
    if (d < bd || (d === bd && r < best)) best = r;
  }
  return best;
}

/** NLTK corpus_bleu(list_of_references, hypotheses) with uniform weights. */
export function nltkCorpusBleu(
  listOfReferences: readonly (readonly (readonly string[])[])[],
  hypotheses: readonly (readonly string[])[],
  options?: NltkBleuOptions
): number {
  const N = options?.maxOrder ?? 4;
  const smoothing = options?.smoothing ?? 'method0';
  const matcher = new NgramMatcher(N);
  const m = emptyMatchCounts(N);
  const num = new Array<number>(N).fill(0);
  const den = new Array<number>(N).fill(0);
  let hypLengths = 0;
  let refLengths = 0;
  for (let i = 0; i < hypotheses.length; i++) {
    matcher.match(hypotheses[i], listOfReferences[i], m);
    for (let n = 0; n < N; n++) {
      num[n] += m.correct[n];
      den[n] += Math.max(1, m.total[n]);
    }
    hypLengths += m.hypLen;
    refLengths += closestRefLength(m.refLens, m.hypLen);
  }
  let bp: number;
  if (hypLengths > refLengths) bp = 1;
  else if (hypLengths === 0) bp = 0;
  else bp = Math.exp(1 - refLengths / hypLengths);
  if (num[0] === 0) return 0;

  const p: number[] = [];
  let k = 1;
  for (let n = 0; n < N; n++) {
    if (num[n] !== 0) p.push(num[n] / den[n]);
    else if (smoothing === 'method3') p.push(1 / (2 ** k++ * den[n]));
    else p.push(FLOAT_MIN);
  }
  const w = 1 / N;
  return bp * Math.exp(fsum(p.filter((x) => x > 0).map((x) => w * Math.log(x))));
}

/** NLTK sentence_bleu(references, hypothesis). */
export function nltkSentenceBleu(references: readonly (readonly string[])[], hypothesis: readonly string[], options?: NltkBleuOptions): number {
  return nltkCorpusBleu([references], [hypothesis], options);
}
