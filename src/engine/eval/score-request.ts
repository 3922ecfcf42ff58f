/**
 * One scoring request over hypothesis/reference pairs → the JSON report `tunebench score --json`
 * prints (field names are a public contract: external checks read them).
 *
 *   bleu, corpus:     { metric, level, score, counts, totals, precisions, bp, sys_len, ref_len, signature, card }
 *   bleu, sentence:   { metric, level, segments: [{ score, counts, …, signature }], mean, card }
 *   chrf/chrf++:      { metric, level, name, score, signature, stats, card } | { …, segments: [{ score, signature }], mean }
 *   rouge*:           { metric, level, tokenizer, stem, segments: [{ precision, recall, fmeasure }], mean: {…}, card }
 *   llamafactory-bleu { metric, level, score, segments: [{ score }], card }
 */
import { corpusBleu, sentenceBleus } from './bleu/bleu.ts';
import type { BleuSmoothing } from './bleu/bleu-score.ts';
import type { BleuTokenizerName } from './tokenize/bleu-tokenizers.ts';
import type { RougeTokenizerName } from './tokenize/rouge-tokenizers.ts';
import { corpusChrf, sentenceChrfs } from './chrf/chrf.ts';
import { corpusRouge, type RougeType } from './rouge/rouge.ts';
import { llamaFactoryBleu } from './compat/llamafactory.ts';
import { metricCard, type MetricCard } from './cards.ts';
import { numRefsOf } from './signature.ts';
import type { SegmentRefs } from './refs.ts';

export const SCORE_METRICS = ['bleu', 'chrf', 'chrf++', 'rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'llamafactory-bleu'] as const;
export type ScoreMetric = (typeof SCORE_METRICS)[number];

export interface ScoreRequest {
  metric: ScoreMetric;
  level: 'corpus' | 'sentence';
  /** BLEU tokenizer (BLEU only). */
  tokenize?: BleuTokenizerName;
  /** ROUGE tokenizer (ROUGE only). */
  rougeTokenizer?: RougeTokenizerName;
  lowercase?: boolean;
  stem?: boolean;
  smooth?: BleuSmoothing;
  smoothValue?: number | null;
}

export type ScoreReport = Record<string, unknown> & { metric: ScoreMetric; level: string; card: MetricCard };

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : 0;
}

export function isScoreMetric(s: string): s is ScoreMetric {
  return (SCORE_METRICS as readonly string[]).includes(s);
}

export function runScore(hyps: readonly string[], refs: readonly SegmentRefs[], r: ScoreRequest): ScoreReport {
  const nrefs = numRefsOf(refs);
  switch (r.metric) {
    case 'bleu': {
      const opts = { tokenize: r.tokenize, lowercase: r.lowercase, smooth: r.smooth, smoothValue: r.smoothValue };
      const card = metricCard('bleu', { level: r.level, tokenize: r.tokenize, lowercase: r.lowercase, smooth: r.smooth, smoothValue: r.smoothValue, nrefs });
      if (r.level === 'corpus') return { metric: 'bleu', level: 'corpus', ...corpusBleu(hyps, refs, opts), card };
      const segments = sentenceBleus(hyps, refs, opts);
      return { metric: 'bleu', level: 'sentence', segments, mean: mean(segments.map((s) => s.score)), card };
    }
    case 'chrf':
    case 'chrf++': {
      const opts = { wordOrder: r.metric === 'chrf++' ? 2 : 0, lowercase: r.lowercase };
      const card = metricCard(r.metric, { level: r.level, lowercase: r.lowercase, nrefs });
      if (r.level === 'corpus') return { metric: r.metric, level: 'corpus', ...corpusChrf(hyps, refs, opts), card };
      const segments = sentenceChrfs(hyps, refs, opts).map((s) => ({ score: s.score, signature: s.signature }));
      return { metric: r.metric, level: 'sentence', segments, mean: mean(segments.map((s) => s.score)), card };
    }
    case 'llamafactory-bleu': {
      const res = llamaFactoryBleu(hyps, refs);
      return { metric: r.metric, level: 'sentence', score: res.score, segments: res.segments.map((score) => ({ score })), card: metricCard('llamafactory-bleu') };
    }
    default: {
      const type: RougeType = r.metric;
      const tokenizer = r.rougeTokenizer ?? 'default';
      const res = corpusRouge(hyps, refs, { types: [type], tokenizer, useStemmer: r.stem ?? false });
      return {
        metric: r.metric,
        level: 'sentence',
        tokenizer,
        stem: r.stem ?? false,
        segments: res.segments.map((s) => s[type]!),
        mean: res.mean[type]!,
        card: metricCard(type, { rougeTokenizer: tokenizer, stem: r.stem })
      };
    }
  }
}
