/**
 * Scores one model's outputs on a set of examples: a value per example per metric (the columns
 * of predictions.parquet) and one aggregate per metric with a bootstrap confidence interval.
 *
 * Every number comes from the metric module's own functions on the outputs and references —
 * corpusBleu/sentenceBleus, corpusChrf/sentenceChrfs, corpusRouge, llamaFactoryBleu, exactMatch,
 * perplexity/meanTokenAccuracy, classificationReport, styleScores — so an eval's numbers equal
 * calling those functions on the saved predictions. Confidence intervals resample examples
 * (bootstrapCI) with the resamplables below, which compare.ts also uses for paired tests.
 */
import {
  bleuResamplable,
  bleuStatistics,
  bootstrapCI,
  chrfResamplable,
  chrfStatistics,
  classificationReport,
  corpusBleu,
  corpusChrf,
  corpusRouge,
  exactMatch,
  llamaFactoryBleu,
  meanResamplable,
  meanTokenAccuracy,
  perplexity,
  perplexityResamplable,
  resolveBleuOptions,
  resolveChrfOptions,
  sentenceBleus,
  sentenceChrfs,
  styleScores,
  tokenAccuracyResamplable,
  type BleuOptions,
  type ChrfOptions,
  type ClassificationReport,
  type Resamplable,
  type RougeOptions,
  type RougeTokenizerName,
  type RougeType,
  type SegmentRefs
} from '../index.ts';
import type { MetricSpec, StyleSpec } from './metric-specs.ts';
import { toStyleRule } from './styles.ts';

/** One example as scoring sees it. */
export interface ScoringRow {
  output: string;
  reference: string;
  /** Teacher-forced token statistics (null when not computed). */
  tokens: { lossSum: number; tokens: number; correct: number } | null;
  /** Per label column: gold label (null = unlabelled, left out) and the predicted label. */
  labels: Record<string, { gold: string | null; predicted: string | null }>;
}

export interface ConfidenceInterval {
  lower: number;
  upper: number;
  /** Mean of the resampled scores. */
  mean: number;
  /** sacreBLEU's "± x". */
  half_width: number;
  confidence: number;
  resamples: number;
  seed: number;
}

export interface MetricScore {
  /** null when nothing could be scored (no examples, no target tokens, no labels). */
  value: number | null;
  ci: ConfidenceInterval | null;
  /** Examples the value is computed over. */
  examples: number;
  /** Metric-specific figures: BLEU counts and signature, ROUGE P/R, perplexity mean loss, ... */
  detail: Record<string, unknown> | null;
}

export interface BootstrapSettings {
  samples: number;
  seed: number;
  confidence: number;
}

export type ColumnValue = number | boolean | string | null;

export interface ModelScores {
  scores: Record<string, MetricScore>;
  /** Per-example columns (same order as the rows). */
  columns: Record<string, ColumnValue[]>;
  /** Classification reports by label column. */
  classification: Record<string, ClassificationReport>;
}

const refsOf = (rows: ScoringRow[]): SegmentRefs[] => rows.map((r) => [r.reference]);
const hypsOf = (rows: ScoringRow[]): string[] => rows.map((r) => r.output);

export function bleuOptions(o: MetricSpec['options']): BleuOptions {
  return { tokenize: o.tokenize as BleuOptions['tokenize'], smooth: o.smooth as BleuOptions['smooth'], lowercase: o.lowercase === true };
}

export function chrfOptions(spec: Pick<MetricSpec, 'name' | 'options'>): ChrfOptions {
  return { wordOrder: spec.name === 'chrf++' ? 2 : 0, lowercase: spec.options.lowercase === true };
}

export function rougeOptions(spec: Pick<MetricSpec, 'name' | 'options'>): RougeOptions {
  return { types: [spec.name as RougeType], tokenizer: (spec.options.tokenize as RougeTokenizerName) ?? 'default', useStemmer: spec.options.stem === true };
}

/** Mean of `values` weighted by `weights` (0 = left out) as a Resamplable. */
function weightedMean(values: number[], weights: number[]): Resamplable {
  const data = new Float64Array(values.length * 2);
  values.forEach((v, i) => {
    data[2 * i] = v * weights[i];
    data[2 * i + 1] = weights[i];
  });
  return { segments: values.length, width: 2, data, score: (s) => (s[1] > 0 ? s[0] / s[1] : 0) };
}

/** Macro-F1 from a summed confusion matrix over `labels` (labels never seen in a resample drop out). */
function macroF1Resamplable(gold: (string | null)[], predicted: (string | null)[], labels: string[]): Resamplable {
  const L = labels.length;
  const index = new Map(labels.map((l, i) => [l, i]));
  const data = new Float64Array(gold.length * L * L);
  gold.forEach((g, i) => {
    if (g === null) return;
    data[i * L * L + index.get(g)! * L + index.get(predicted[i] ?? '(none)')!] = 1;
  });
  const score = (s: Float64Array) => {
    let sum = 0;
    let n = 0;
    for (let k = 0; k < L; k++) {
      let goldK = 0;
      let predK = 0;
      for (let j = 0; j < L; j++) {
        goldK += s[k * L + j];
        predK += s[j * L + k];
      }
      if (goldK + predK === 0) continue;
      const tp = s[k * L + k];
      sum += (2 * tp) / (goldK + predK);
      n++;
    }
    return n ? sum / n : 0;
  };
  return { segments: gold.length, width: L * L, data, score };
}

function labelled(rows: ScoringRow[], col: string) {
  const gold = rows.map((r) => r.labels[col]?.gold ?? null);
  const predicted = rows.map((r) => (r.labels[col]?.gold === null ? null : (r.labels[col]?.predicted ?? null)));
  const keep = gold.map((g) => g !== null);
  return { gold, predicted, keep };
}

/** Per-example values of a metric (null: none for this metric). Style values go through styleValues. */
export function exampleValues(spec: MetricSpec, rows: ScoringRow[]): (number | null)[] | null {
  const hyps = hypsOf(rows);
  const refs = refsOf(rows);
  switch (spec.name) {
    case 'bleu':
      return sentenceBleus(hyps, refs, bleuOptions(spec.options)).map((b) => b.score);
    case 'chrf':
    case 'chrf++':
      return sentenceChrfs(hyps, refs, chrfOptions(spec)).map((c) => c.score);
    case 'rouge1':
    case 'rouge2':
    case 'rougeL':
    case 'rougeLsum':
      return corpusRouge(hyps, refs, rougeOptions(spec)).segments.map((s) => s[spec.name as RougeType]!.fmeasure);
    case 'bleu_llamafactory':
      return llamaFactoryBleu(hyps, refs).segments;
    case 'exact_match':
      return exactMatch(hyps, refs, { lowercase: spec.options.lowercase === true, normalizeWhitespace: spec.options.strip !== false }).segments.map((m) => (m ? 1 : 0));
    case 'perplexity':
      return rows.map((r) => (r.tokens && r.tokens.tokens > 0 ? Math.exp(r.tokens.lossSum / r.tokens.tokens) : null));
    case 'token_accuracy':
      return rows.map((r) => (r.tokens && r.tokens.tokens > 0 ? r.tokens.correct / r.tokens.tokens : null));
    default:
      return null;
  }
}

/** The corpus figure of a metric as a Resamplable over the rows (bootstrap CIs, paired tests). */
export function metricResamplable(spec: MetricSpec, rows: ScoringRow[], values?: (number | null)[] | null): Resamplable | null {
  if (!rows.length) return null;
  switch (spec.name) {
    case 'bleu':
      return bleuResamplable(bleuStatistics(hypsOf(rows), refsOf(rows), resolveBleuOptions(bleuOptions(spec.options), 'corpus')));
    case 'chrf':
    case 'chrf++':
      return chrfResamplable(chrfStatistics(hypsOf(rows), refsOf(rows), resolveChrfOptions(chrfOptions(spec))));
    case 'perplexity':
    case 'token_accuracy': {
      const st = rows.map((r) => r.tokens ?? { lossSum: 0, tokens: 0, correct: 0 });
      if (!st.some((t) => t.tokens > 0)) return null;
      return spec.name === 'perplexity' ? perplexityResamplable(st) : tokenAccuracyResamplable(st);
    }
    case 'intent_accuracy':
    case 'intent_f1': {
      const { gold, predicted, keep } = labelled(rows, String(spec.options.against));
      if (!keep.some(Boolean)) return null;
      if (spec.name === 'intent_accuracy') return weightedMean(gold.map((g, i) => (g !== null && g === predicted[i] ? 1 : 0)), keep.map((k) => (k ? 1 : 0)));
      const labels = [...new Set([...gold, ...predicted.map((p, i) => (gold[i] === null ? null : (p ?? '(none)')))].filter((x): x is string => x !== null))].sort();
      return macroF1Resamplable(gold, predicted, labels);
    }
    default: {
      const v = values ?? exampleValues(spec, rows);
      return v ? meanResamplable(v.map((x) => x ?? 0)) : null;
    }
  }
}

/** Style score and satisfied flag per example, and the two resamplables. */
export function styleValues(style: StyleSpec, rows: ScoringRow[]) {
  const r = styleScores(hypsOf(rows), toStyleRule(style.params));
  const scores = r.examples.map((e) => e.score);
  const ok = r.examples.map((e) => e.satisfied);
  return { scores, ok, summary: r.summary, score: meanResamplable(scores), consistency: meanResamplable(ok.map((x) => (x ? 1 : 0))) };
}

function ci(r: Resamplable | null, b: BootstrapSettings): ConfidenceInterval | null {
  if (!r || b.samples <= 0 || r.segments === 0) return null;
  const c = bootstrapCI(r, { resamples: b.samples, seed: b.seed, confidence: b.confidence });
  return { lower: c.lower, upper: c.upper, mean: c.mean, half_width: c.halfWidth, confidence: c.confidence, resamples: c.resamples, seed: c.seed };
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** The aggregate of one metric, computed with the metric module's corpus function. */
export function aggregate(spec: MetricSpec, rows: ScoringRow[]): { value: number | null; examples: number; detail: Record<string, unknown> | null; report?: ClassificationReport } {
  const n = rows.length;
  if (!n) return { value: null, examples: 0, detail: null };
  const hyps = hypsOf(rows);
  const refs = refsOf(rows);
  switch (spec.name) {
    case 'bleu': {
      const b = corpusBleu(hyps, refs, bleuOptions(spec.options));
      return { value: b.score, examples: n, detail: { counts: b.counts, totals: b.totals, precisions: b.precisions, bp: b.bp, sys_len: b.sys_len, ref_len: b.ref_len, signature: b.signature } };
    }
    case 'chrf':
    case 'chrf++': {
      const c = corpusChrf(hyps, refs, chrfOptions(spec));
      return { value: c.score, examples: n, detail: { name: c.name, signature: c.signature } };
    }
    case 'rouge1':
    case 'rouge2':
    case 'rougeL':
    case 'rougeLsum': {
      const m = corpusRouge(hyps, refs, rougeOptions(spec)).mean[spec.name as RougeType]!;
      return { value: m.fmeasure, examples: n, detail: { precision: m.precision, recall: m.recall, fmeasure: m.fmeasure } };
    }
    case 'bleu_llamafactory':
      return { value: llamaFactoryBleu(hyps, refs).score, examples: n, detail: null };
    case 'exact_match':
      return { value: exactMatch(hyps, refs, { lowercase: spec.options.lowercase === true, normalizeWhitespace: spec.options.strip !== false }).score, examples: n, detail: null };
    case 'perplexity':
    case 'token_accuracy': {
      const st = rows.filter((r) => r.tokens && r.tokens.tokens > 0).map((r) => r.tokens!);
      if (!st.length) return { value: null, examples: 0, detail: null };
      const p = perplexity(st);
      const a = meanTokenAccuracy(st);
      return spec.name === 'perplexity'
        ? { value: finite(p.perplexity), examples: st.length, detail: { mean_loss: p.meanLoss, tokens: p.tokens } }
        : { value: finite(a.accuracy), examples: st.length, detail: { correct: a.correct, tokens: a.tokens } };
    }
    case 'intent_accuracy':
    case 'intent_f1': {
      const { gold, predicted, keep } = labelled(rows, String(spec.options.against));
      const g = gold.filter((_, i) => keep[i]) as string[];
      const p = predicted.filter((_, i) => keep[i]);
      if (!g.length) return { value: null, examples: 0, detail: null };
      const report = classificationReport(g, p);
      return { value: spec.name === 'intent_accuracy' ? report.accuracy : report.macroF1, examples: g.length, detail: { against: spec.options.against }, report };
    }
    default:
      throw new Error(`the eval stage does not implement metric '${spec.name}'`);
  }
}

/** Scores one model on `rows`: per-example columns and aggregates with CIs. */
export function scoreModel(specs: MetricSpec[], styles: StyleSpec[], rows: ScoringRow[], bootstrap: BootstrapSettings): ModelScores {
  const scores: Record<string, MetricScore> = {};
  const columns: Record<string, ColumnValue[]> = {};
  const classification: Record<string, ClassificationReport> = {};
  for (const spec of specs) {
    const values = rows.length ? exampleValues(spec, rows) : [];
    if (spec.column) columns[spec.column] = values ?? rows.map(() => null);
    const a = aggregate(spec, rows);
    if (a.report) classification[String(spec.options.against)] = a.report;
    scores[spec.key] = { value: a.value, ci: a.value === null ? null : ci(metricResamplable(spec, rows, values), bootstrap), examples: a.examples, detail: a.detail };
  }
  for (const style of styles) {
    const v = styleValues(style, rows);
    columns[style.column] = v.scores;
    columns[style.ok_column] = v.ok;
    const n = rows.length;
    scores[style.key] = { value: n ? v.summary.meanScore : null, ci: n ? ci(v.score, bootstrap) : null, examples: n, detail: null };
    scores[style.consistency_key] = { value: n ? v.summary.consistency : null, ci: n ? ci(v.consistency, bootstrap) : null, examples: n, detail: null };
  }
  return { scores, columns, classification };
}
