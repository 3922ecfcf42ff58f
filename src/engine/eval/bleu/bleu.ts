/**
 * BLEU identical to sacreBLEU 2.6.0: corpus level (`BLEU().corpus_score`) and sentence level
 * (`BLEU(effective_order=True).sentence_score`), with its tokenizers, smoothing methods, multiple
 * and absent references, lower-casing and signature.
 *
 * Defaults differ by level exactly as in sacreBLEU: corpus = exp smoothing, effective order off;
 * sentence = exp smoothing, effective order on.
 */
import { BLEU_TOKENIZERS, type BleuTokenizerName } from '../tokenize/bleu-tokenizers.ts';
import { pyRstrip } from '../text/python-text.ts';
import { bleuFromStats, type BleuScore, type BleuSmoothing, type BleuComputeOptions } from './bleu-score.ts';
import { NgramMatcher, closestRefLen, emptyMatchCounts } from './bleu-stats.ts';
import { bleuSignature, numRefsOf, type NumRefs } from '../signature.ts';
import { checkCorpus, presentRefs, type SegmentRefs } from '../refs.ts';

export interface BleuOptions {
  /** sacreBLEU tokenizer; default '13a'. */
  tokenize?: BleuTokenizerName;
  /** Lower-case hypothesis and references first; default false. */
  lowercase?: boolean;
  /** Default 'exp'. */
  smooth?: BleuSmoothing;
  /** For 'floor' (default 0.1) and 'add-k' (default 1). */
  smoothValue?: number | null;
  /** Default false for corpus BLEU, true for sentence BLEU (sacreBLEU's defaults). */
  effectiveOrder?: boolean;
  /** Default 4. */
  maxNgramOrder?: number;
}

export interface ResolvedBleuOptions extends BleuComputeOptions {
  tokenize: BleuTokenizerName;
  lowercase: boolean;
}

/** BLEU with its sacreBLEU signature. */
export interface BleuResult extends BleuScore {
  signature: string;
}

/** Per-segment sufficient statistics: row i = [sys_len, ref_len, correct_1..N, total_1..N]. */
export interface BleuStatistics {
  segments: number;
  width: number;
  data: Float64Array;
  nrefs: NumRefs;
  options: ResolvedBleuOptions;
}

export function resolveBleuOptions(o: BleuOptions | undefined, level: 'corpus' | 'sentence'): ResolvedBleuOptions {
  return {
    tokenize: o?.tokenize ?? '13a',
    lowercase: o?.lowercase ?? false,
    smooth: o?.smooth ?? 'exp',
    smoothValue: o?.smoothValue ?? null,
    effectiveOrder: o?.effectiveOrder ?? level === 'sentence',
    maxNgramOrder: o?.maxNgramOrder ?? 4
  };
}

/** sacreBLEU's `_preprocess_segment`: optional lower-casing, rstrip, tokenize. */
export function bleuTokens(text: string, o: Pick<ResolvedBleuOptions, 'tokenize' | 'lowercase'>): string[] {
  return BLEU_TOKENIZERS[o.tokenize](pyRstrip(o.lowercase ? text.toLowerCase() : text));
}

/** Extracts per-segment statistics for a corpus (refs[i] = references of segment i). */
export function bleuStatistics(hyps: readonly string[], refs: readonly SegmentRefs[], o: ResolvedBleuOptions): BleuStatistics {
  checkCorpus(hyps, refs);
  const N = o.maxNgramOrder;
  const width = 2 + 2 * N;
  const data = new Float64Array(hyps.length * width);
  const matcher = new NgramMatcher(N);
  const m = emptyMatchCounts(N);
  for (let i = 0; i < hyps.length; i++) {
    const refTokens = presentRefs(refs[i]).map((r) => bleuTokens(r, o));
    matcher.match(bleuTokens(hyps[i], o), refTokens, m);
    const row = i * width;
    data[row] = m.hypLen;
    data[row + 1] = closestRefLen(m.hypLen, m.refLens);
    for (let n = 0; n < N; n++) {
      data[row + 2 + n] = m.correct[n];
      data[row + 2 + N + n] = m.total[n];
    }
  }
  return { segments: hyps.length, width, data, nrefs: numRefsOf(refs), options: o };
}

/** Sums statistics rows (all of them, or the given segment indices, repeats allowed). */
export function sumRows(data: Float64Array, width: number, rows: number | ArrayLike<number>): Float64Array {
  const sum = new Float64Array(width);
  if (typeof rows === 'number') {
    for (let i = 0; i < rows; i++) for (let k = 0; k < width; k++) sum[k] += data[i * width + k];
  } else {
    for (let j = 0; j < rows.length; j++) {
      const base = rows[j] * width;
      for (let k = 0; k < width; k++) sum[k] += data[base + k];
    }
  }
  return sum;
}

function signatureFor(o: ResolvedBleuOptions, nrefs: NumRefs): string {
  return bleuSignature({ nrefs, ...o });
}

/** Corpus BLEU (sacreBLEU `BLEU(...).corpus_score(hyps, streams)`). */
export function corpusBleu(hyps: readonly string[], refs: readonly SegmentRefs[], options?: BleuOptions): BleuResult {
  const o = resolveBleuOptions(options, 'corpus');
  const st = bleuStatistics(hyps, refs, o);
  return { ...bleuFromStats(sumRows(st.data, st.width, st.segments), o), signature: signatureFor(o, st.nrefs) };
}

/** BLEU of every segment on its own (sacreBLEU `sentence_score` per segment; effective order on by default). */
export function sentenceBleus(hyps: readonly string[], refs: readonly SegmentRefs[], options?: BleuOptions): BleuResult[] {
  const o = resolveBleuOptions(options, 'sentence');
  const st = bleuStatistics(hyps, refs, o);
  const out: BleuResult[] = [];
  for (let i = 0; i < st.segments; i++) {
    out.push({ ...bleuFromStats(st.data, o, i * st.width), signature: signatureFor(o, numRefsOf([refs[i]])) });
  }
  return out;
}

/** Sentence BLEU of one hypothesis (sacreBLEU `sentence_bleu` defaults). */
export function sentenceBleu(hyp: string, refs: SegmentRefs, options?: BleuOptions): BleuResult {
  return sentenceBleus([hyp], [refs], options)[0];
}
