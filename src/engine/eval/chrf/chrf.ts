/**
 * chrF and chrF++ identical to sacreBLEU 2.6.0 (`CHRF()` and `CHRF(word_order=2)`): character
 * order 6, beta 2, whitespace removed, no eps smoothing by default. The corpus score comes from
 * summed statistics, not from averaging sentence scores.
 */
import { chrfFromStats } from './chrf-score.ts';
import { ChrfCounter, type ChrfStatsOptions } from './chrf-stats.ts';
import { chrfSignature, numRefsOf, type NumRefs } from '../signature.ts';
import { checkCorpus, presentRefs, type SegmentRefs } from '../refs.ts';

export interface ChrfOptions {
  /** Default 6. */
  charOrder?: number;
  /** 0 = chrF (default), 2 = chrF++. */
  wordOrder?: number;
  /** Default 2. */
  beta?: number;
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams; default false. */
  whitespace?: boolean;
  /** chrF++.py-style eps smoothing; default false (sacreBLEU's effective-order averaging). */
  epsSmoothing?: boolean;
}

export type ResolvedChrfOptions = ChrfStatsOptions;

export interface ChrfResult {
  /** sacreBLEU's name: chrF2, chrF2++ … */
  name: string;
  score: number;
  signature: string;
}

export interface CorpusChrfResult extends ChrfResult {
  /** Corpus sums, one [hyp, ref, match] triple per order (character orders, then word orders). */
  stats: number[][];
}

export interface ChrfStatistics {
  segments: number;
  width: number;
  data: Float64Array;
  nrefs: NumRefs;
  options: ResolvedChrfOptions;
}

export function resolveChrfOptions(o?: ChrfOptions): ResolvedChrfOptions {
  const charOrder = o?.charOrder ?? 6;
  const wordOrder = o?.wordOrder ?? 0;
  return {
    charOrder,
    wordOrder,
    order: charOrder + wordOrder,
    beta: o?.beta ?? 2,
    lowercase: o?.lowercase ?? false,
    whitespace: o?.whitespace ?? false,
    epsSmoothing: o?.epsSmoothing ?? false
  };
}

export function chrfStatistics(hyps: readonly string[], refs: readonly SegmentRefs[], o: ResolvedChrfOptions): ChrfStatistics {
  checkCorpus(hyps, refs);
  const counter = new ChrfCounter(o);
  const width = counter.width;
  const data = new Float64Array(hyps.length * width);
  for (let i = 0; i < hyps.length; i++) counter.segment(hyps[i], presentRefs(refs[i]), data, i * width);
  return { segments: hyps.length, width, data, nrefs: numRefsOf(refs), options: o };
}

function nameOf(o: ResolvedChrfOptions): string {
  return `chrF${o.beta}` + '+'.repeat(o.wordOrder);
}

function signatureOf(o: ResolvedChrfOptions, nrefs: NumRefs): string {
  return chrfSignature({ nrefs, ...o });
}

export function corpusChrf(hyps: readonly string[], refs: readonly SegmentRefs[], options?: ChrfOptions): CorpusChrfResult {
  const o = resolveChrfOptions(options);
  const st = chrfStatistics(hyps, refs, o);
  const sum = new Float64Array(st.width);
  for (let i = 0; i < st.segments; i++) for (let k = 0; k < st.width; k++) sum[k] += st.data[i * st.width + k];
  const stats: number[][] = [];
  for (let k = 0; k < o.order; k++) stats.push([sum[3 * k], sum[3 * k + 1], sum[3 * k + 2]]);
  return { name: nameOf(o), score: chrfFromStats(sum, o), stats, signature: signatureOf(o, st.nrefs) };
}

export function sentenceChrfs(hyps: readonly string[], refs: readonly SegmentRefs[], options?: ChrfOptions): ChrfResult[] {
  const o = resolveChrfOptions(options);
  const st = chrfStatistics(hyps, refs, o);
  const out: ChrfResult[] = [];
  for (let i = 0; i < st.segments; i++) {
    out.push({ name: nameOf(o), score: chrfFromStats(st.data, o, i * st.width), signature: signatureOf(o, numRefsOf([refs[i]])) });
  }
  return out;
}

export function sentenceChrf(hyp: string, refs: SegmentRefs, options?: ChrfOptions): ChrfResult {
  return sentenceChrfs([hyp], [refs], options)[0];
}
