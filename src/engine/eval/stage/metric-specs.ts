/**
 * What an eval stage scores: the Plan's metrics (with their options) and styles, each with a
 * stable key, the column its per-example value goes to, and its metric card.
 *
 * Keys: the metric's name (bleu, chrf++, rougeL, ...) — or, when the same metric is asked for
 * twice with different options, name(option=value,...) with the options that differ from the
 * defaults. perplexity and token_accuracy are always computed (one teacher-forced pass, cheap
 * next to generation); `requested` says whether the Plan listed them. Styles have the keys
 * style:<name> (mean score) and style_consistency:<name> (share in style).
 */
import type { EvalParams, MetricParams, StyleParams } from '../../../../dsl/plan.ts';
import { METRICS, type MetricInfo } from '../../../../dsl/metrics.ts';
import { metricCard, type BleuSmoothing, type BleuTokenizerName, type MetricCard, type MetricId, type RougeTokenizerName } from '../index.ts';

export type MetricSource = MetricInfo['source'];

export interface MetricSpec {
  key: string;
  /** The Plan's metric name. */
  name: string;
  options: Record<string, string | number | boolean>;
  direction: 'max' | 'min';
  source: MetricSource;
  /** Listed in the Plan (perplexity and token_accuracy are computed either way). */
  requested: boolean;
  /** Per-example column in predictions.parquet (null: no per-example value, e.g. intent_f1). */
  column: string | null;
  card: MetricCard;
  /** The per-example column's card when it is another level (sentence BLEU, sentence chrF). */
  example_card: MetricCard | null;
}

export interface StyleSpec {
  name: string;
  /** style:<name> and style_consistency:<name>. */
  key: string;
  consistency_key: string;
  /** style_<name> (score) and style_<name>_ok (satisfied). */
  column: string;
  ok_column: string;
  params: StyleParams;
  card: MetricCard;
  consistency_card: MetricCard;
}

const CARD_ID: Record<string, MetricId> = {
  bleu: 'bleu',
  chrf: 'chrf',
  'chrf++': 'chrf++',
  rouge1: 'rouge1',
  rouge2: 'rouge2',
  rougeL: 'rougeL',
  rougeLsum: 'rougeLsum',
  bleu_llamafactory: 'llamafactory-bleu',
  exact_match: 'exact-match',
  perplexity: 'perplexity',
  token_accuracy: 'mean-token-accuracy',
  intent_accuracy: 'intent-accuracy',
  intent_f1: 'intent-macro-f1'
};

/** A SQL-friendly column name for a key (chrf++ → chrfpp, bleu(tokenize=zh) → bleu_tokenize_zh). */
export function columnName(key: string): string {
  return key.replace(/\+\+/g, 'pp').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
}

function cardFor(name: string, o: Record<string, string | number | boolean>, level: 'corpus' | 'sentence'): MetricCard {
  const id = CARD_ID[name];
  if (!id) throw new Error(`no metric card for '${name}'`);
  const card = metricCard(id, {
    level,
    tokenize: name === 'bleu' ? (o.tokenize as BleuTokenizerName) : undefined,
    smooth: name === 'bleu' ? (o.smooth as BleuSmoothing) : undefined,
    lowercase: o.lowercase === true,
    rougeTokenizer: name.startsWith('rouge') ? (o.tokenize as RougeTokenizerName) : undefined,
    stem: o.stem === true
  });
  if (name === 'exact_match') {
    const notes = [`${o.strip === false ? 'Compared as written (no whitespace normalisation).' : 'Leading/trailing whitespace ignored and inner runs collapsed.'}${o.lowercase ? ' Case-insensitive.' : ''}`];
    return { ...card, tokenizer: `none (${o.strip === false ? 'as written' : 'whitespace collapsed'}, ${o.lowercase ? 'lower-cased' : 'case kept'})`, notes: [...card.notes, ...notes] };
  }
  if (name === 'intent_accuracy' || name === 'intent_f1') return { ...card, notes: [...card.notes, `Gold label: column ${o.against}. Predicted label: the output normalised (case, spacing, quotes, final punctuation) and matched against the gold labels.`] };
  return card;
}

function defaultsOf(name: string): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, o] of Object.entries(METRICS[name]?.options ?? {})) if (o.kind !== 'column') out[k] = o.default;
  return out;
}

function keyFor(m: MetricParams, all: MetricParams[]): string {
  if (all.filter((x) => x.name === m.name).length <= 1) return m.name;
  const d = defaultsOf(m.name);
  const diff = Object.entries(m.options)
    .filter(([k, v]) => d[k] !== v)
    .map(([k, v]) => `${k}=${v}`);
  return diff.length ? `${m.name}(${diff.join(',')})` : m.name;
}

export function metricSpecs(p: Pick<EvalParams, 'metrics'>): MetricSpec[] {
  const listed = [...p.metrics];
  for (const name of ['perplexity', 'token_accuracy']) if (!listed.some((m) => m.name === name)) listed.push({ name, options: {} });
  const used = new Set<string>();
  return listed.map((m, i) => {
    const info = METRICS[m.name];
    if (!info) throw new Error(`unknown metric '${m.name}'`);
    const key = keyFor(m, listed);
    let column: string | null = m.name === 'intent_f1' || m.name === 'intent_accuracy' ? null : `score_${columnName(key)}`;
    if (column) {
      while (used.has(column)) column += '_';
      used.add(column);
    }
    const sentence = m.name === 'bleu' || m.name === 'chrf' || m.name === 'chrf++';
    return {
      key,
      name: m.name,
      options: m.options,
      direction: info.direction,
      source: info.source,
      requested: i < p.metrics.length,
      column,
      card: cardFor(m.name, m.options, 'corpus'),
      example_card: sentence ? cardFor(m.name, m.options, 'sentence') : null
    };
  });
}

export function styleSpecs(styles: StyleParams[]): StyleSpec[] {
  return styles.map((s) => ({
    name: s.name,
    key: `style:${s.name}`,
    consistency_key: `style_consistency:${s.name}`,
    column: `style_${columnName(s.name)}`,
    ok_column: `style_${columnName(s.name)}_ok`,
    params: s,
    card: metricCard('style'),
    consistency_card: metricCard('style-consistency')
  }));
}

/** The label columns classification metrics read (`against`), without duplicates. */
export function labelColumns(specs: MetricSpec[]): string[] {
  return [...new Set(specs.filter((s) => s.source === 'classification').map((s) => String(s.options.against)))];
}
