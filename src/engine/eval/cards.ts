/**
 * Metric cards: what a number means, shown wherever it appears (CLI, eval.json, web UI).
 * A card is plain JSON-serialisable data. `metricCard(id, options)` gives the card for the exact
 * settings used (tokenizer, level, smoothing, stemming); METRIC_CARDS holds the defaults.
 */
import type { BleuTokenizerName } from './tokenize/bleu-tokenizers.ts';
import type { RougeTokenizerName } from './tokenize/rouge-tokenizers.ts';
import { BLEU_SMOOTH_DEFAULTS, type BleuSmoothing } from './bleu/bleu-score.ts';
import { bleuSignature, chrfSignature, SACREBLEU_VERSION, type NumRefs } from './signature.ts';

export const METRIC_IDS = [
  'bleu',
  'chrf',
  'chrf++',
  'rouge1',
  'rouge2',
  'rougeL',
  'rougeLsum',
  'llamafactory-bleu',
  'exact-match',
  'style',
  'style-consistency',
  'intent-accuracy',
  'intent-macro-f1',
  'perplexity',
  'mean-token-accuracy'
] as const;

export type MetricId = (typeof METRIC_IDS)[number];

/** corpus: one number from pooled statistics; sentence: per segment; mean: mean of per-example values; token: pooled over tokens. */
export type MetricLevel = 'corpus' | 'sentence' | 'mean' | 'token';

export interface MetricCard {
  id: MetricId;
  /** Display name, e.g. "BLEU", "chrF++", "ROUGE-L". */
  name: string;
  level: MetricLevel;
  tokenizer: string;
  smoothing: string | null;
  /** Human-readable range, e.g. "0–100". */
  range: string;
  min: number;
  /** null = unbounded. */
  max: number | null;
  higherIsBetter: boolean;
  /** The implementation (and version) the number is identical to, or "tunebench" for our own definitions. */
  matches: string;
  /** sacreBLEU signature for BLEU/chrF, else null. */
  signature: string | null;
  notes: string[];
}

export interface CardOptions {
  level?: 'corpus' | 'sentence';
  /** BLEU tokenizer. */
  tokenize?: BleuTokenizerName;
  lowercase?: boolean;
  smooth?: BleuSmoothing;
  smoothValue?: number | null;
  /** ROUGE tokenizer. */
  rougeTokenizer?: RougeTokenizerName;
  stem?: boolean;
  /** For the signature; default 1. */
  nrefs?: NumRefs;
}

const BLEU_TOKENIZER_TEXT: Record<BleuTokenizerName, string> = {
  '13a': '13a (mteval-v13a: punctuation split off, entities unescaped)',
  zh: 'zh (each CJK/full-width character a token, 13a rules elsewhere)',
  intl: 'intl (mteval-v14 international: Unicode punctuation and symbols split)',
  char: 'char (every non-whitespace character a token)',
  none: 'none (split on whitespace only)'
};

const ROUGE_NAMES: Record<string, string> = { rouge1: 'ROUGE-1', rouge2: 'ROUGE-2', rougeL: 'ROUGE-L', rougeLsum: 'ROUGE-Lsum' };

function bleuCard(o: CardOptions): MetricCard {
  const level = o.level ?? 'corpus';
  const tokenize = o.tokenize ?? '13a';
  const smooth = o.smooth ?? 'exp';
  const eff = level === 'sentence';
  const def = BLEU_SMOOTH_DEFAULTS[smooth];
  const signature = bleuSignature({ nrefs: o.nrefs ?? 1, lowercase: o.lowercase ?? false, effectiveOrder: eff, tokenize, smooth, smoothValue: o.smoothValue ?? null });
  const notes = [
    level === 'corpus'
      ? 'Corpus BLEU pools n-gram counts over all segments; it is not the mean of sentence BLEU.'
      : 'Sentence BLEU with effective order (orders the segment is too short for are left out); the mean of sentence scores is not corpus BLEU.',
    'Multiple references: n-gram counts clipped by the maximum over references; brevity uses the closest reference length (shorter on ties).'
  ];
  if (level === 'corpus') notes.push('An n-gram order with no hypothesis n-grams in the whole corpus makes the score 0 (e.g. one unsegmented Chinese "word" under 13a).');
  if (tokenize === '13a' || tokenize === 'intl' || tokenize === 'none') notes.push('Unsegmented Chinese/Japanese text is one token per run: use tok zh or char for it.');
  if (o.lowercase) notes.push('Case-insensitive (both sides lower-cased).');
  return {
    id: 'bleu',
    name: level === 'corpus' ? 'BLEU' : 'sentence BLEU',
    level,
    tokenizer: BLEU_TOKENIZER_TEXT[tokenize],
    smoothing: def === null ? smooth : `${smooth} (${o.smoothValue ?? def})`,
    range: '0–100',
    min: 0,
    max: 100,
    higherIsBetter: true,
    matches: `sacreBLEU ${SACREBLEU_VERSION} ${level === 'corpus' ? 'BLEU().corpus_score' : 'BLEU(effective_order=True).sentence_score'}`,
    signature,
    notes
  };
}

function chrfCard(id: 'chrf' | 'chrf++', o: CardOptions): MetricCard {
  const wordOrder = id === 'chrf++' ? 2 : 0;
  const level = o.level ?? 'corpus';
  return {
    id,
    name: id === 'chrf++' ? 'chrF++' : 'chrF',
    level,
    tokenizer: `character 1–6-grams with whitespace removed${wordOrder ? ' + word 1–2-grams (one edge punctuation mark split off)' : ''}`,
    smoothing: 'none (precision/recall averaged over orders present in both sides)',
    range: '0–100',
    min: 0,
    max: 100,
    higherIsBetter: true,
    matches: `sacreBLEU ${SACREBLEU_VERSION} CHRF(${wordOrder ? 'word_order=2' : ''}).${level === 'corpus' ? 'corpus_score' : 'sentence_score'}`,
    signature: chrfSignature({ nrefs: o.nrefs ?? 1, lowercase: o.lowercase ?? false, epsSmoothing: false, charOrder: 6, wordOrder, whitespace: false }),
    notes: [
      'beta = 2: recall weighs twice as much as precision.',
      level === 'corpus' ? 'Corpus chrF is computed from summed statistics, not by averaging sentence scores.' : 'Per-segment chrF.',
      'With several references each segment uses the reference with the best sentence chrF.',
      'Works on characters, so it is meaningful for Chinese without any segmentation.'
    ]
  };
}

function rougeCard(id: 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum', o: CardOptions): MetricCard {
  const tok = o.rougeTokenizer ?? 'default';
  const stem = o.stem ?? false;
  const notes = [
    'Per segment P/R/F (rouge-score argument order: reference first); the corpus figure is the arithmetic mean over segments.',
    'Several references: per ROUGE type the reference with the highest F-measure (score_multi).'
  ];
  if (id === 'rougeLsum') notes.push('Summary-level LCS over the newline-separated sentences (split_summaries=False), with ROUGE-1.5.5 count clipping.');
  if (tok === 'default') notes.push('rouge-score\'s tokenizer keeps only ASCII [a-z0-9]: Chinese text has no tokens and scores 0. Use the han_char tokenizer for Chinese.');
  else notes.push('han_char (tunebench): one token per Han character, ASCII words as in rouge-score; kana, Hangul and punctuation only separate tokens. Not comparable with jieba-based ROUGE (LLaMA-Factory).');
  if (stem) notes.push('Porter stemming (NLTK 3.8, NLTK_EXTENSIONS) of tokens longer than 3 characters.');
  return {
    id,
    name: ROUGE_NAMES[id],
    level: 'mean',
    tokenizer: tok === 'default' ? `rouge-score default (lower-case, [a-z0-9]+ runs${stem ? ', Porter-stemmed' : ''})` : `han_char (Han characters + [a-z0-9]+ runs${stem ? ', Porter-stemmed' : ''})`,
    smoothing: null,
    range: '0–1',
    min: 0,
    max: 1,
    higherIsBetter: true,
    matches: tok === 'default' ? `rouge-score 0.1.2 RougeScorer(['${id}'], use_stemmer=${stem ? 'True' : 'False'})` : `rouge-score 0.1.2 scoring with the han_char tokenizer (eval-fixtures definition)`,
    signature: null,
    notes
  };
}

function simpleCard(id: MetricId): MetricCard {
  const base = { signature: null, smoothing: null } as const;
  switch (id) {
    case 'llamafactory-bleu':
      return {
        ...base, id, name: 'BLEU-4 (LLaMA-Factory)', level: 'mean', tokenizer: 'characters, whitespace included (Python list(text))',
        smoothing: 'NLTK method3 (NIST geometric)', range: '0–100', min: 0, max: 100, higherIsBetter: true,
        matches: 'LLaMA-Factory compute_metrics bleu-4 (NLTK 3.8 sentence_bleu, SmoothingFunction().method3)',
        notes: ['Mean over examples of sentence BLEU-4 ×100, each rounded to 4 decimals.', 'Not sacreBLEU: use it only to compare with numbers reported by LLaMA-Factory.', 'LLaMA-Factory\'s ROUGE (jieba + rouge-chinese) is not reproduced.']
      };
    case 'exact-match':
      return { ...base, id, name: 'exact match', level: 'mean', tokenizer: 'none (whitespace collapsed, case kept)', range: '0–1', min: 0, max: 1, higherIsBetter: true, matches: 'tunebench', notes: ['Share of outputs equal to one of their references after trimming and collapsing whitespace.'] };
    case 'style':
      return { ...base, id, name: 'style score', level: 'mean', tokenizer: 'style tokens (each Han/kana/Hangul character; other letter/digit runs)', range: '0–1', min: 0, max: 1, higherIsBetter: true, matches: 'tunebench', notes: ['Weighted mean of the style rule\'s components (preferred/forbidden terms, length bounds, required/forbidden patterns, repetition), averaged over outputs.'] };
    case 'style-consistency':
      return { ...base, id, name: 'style consistency', level: 'mean', tokenizer: 'style tokens', range: '0–1', min: 0, max: 1, higherIsBetter: true, matches: 'tunebench', notes: ['Share of outputs that satisfy every component of the style rule (or reach its passScore).'] };
    case 'intent-accuracy':
      return { ...base, id, name: 'intent accuracy', level: 'mean', tokenizer: 'none (labels)', range: '0–1', min: 0, max: 1, higherIsBetter: true, matches: 'scikit-learn accuracy_score', notes: ['Share of examples whose predicted intent equals the gold intent; a missing prediction counts as "(none)".'] };
    case 'intent-macro-f1':
      return { ...base, id, name: 'intent macro-F1', level: 'corpus', tokenizer: 'none (labels)', range: '0–1', min: 0, max: 1, higherIsBetter: true, matches: "scikit-learn f1_score(average='macro')", notes: ['Unweighted mean of per-label F1 over the union of gold and predicted labels; rare intents weigh as much as common ones.'] };
    case 'perplexity':
      return { ...base, id, name: 'perplexity', level: 'token', tokenizer: 'the model\'s tokenizer', range: '1–∞', min: 1, max: null, higherIsBetter: false, matches: 'exp(mean token cross-entropy), as exp(eval_loss)', notes: ['Token-weighted over the split: exp(Σ NLL / Σ target tokens). Only comparable between models that share a tokenizer.'] };
    case 'mean-token-accuracy':
      return { ...base, id, name: 'mean token accuracy', level: 'token', tokenizer: 'the model\'s tokenizer', range: '0–1', min: 0, max: 1, higherIsBetter: true, matches: 'tunebench (token-weighted argmax accuracy)', notes: ['Share of target tokens whose argmax prediction is the target token, pooled over the split (teacher forcing).'] };
    default:
      throw new RangeError(`no simple card for '${id}'`);
  }
}

/** The card for a metric under the given settings. */
export function metricCard(id: MetricId, options: CardOptions = {}): MetricCard {
  switch (id) {
    case 'bleu':
      return bleuCard(options);
    case 'chrf':
    case 'chrf++':
      return chrfCard(id, options);
    case 'rouge1':
    case 'rouge2':
    case 'rougeL':
    case 'rougeLsum':
      return rougeCard(id, options);
    default:
      return simpleCard(id);
  }
}

/** Default cards, by id. */
export const METRIC_CARDS: Readonly<Record<MetricId, MetricCard>> = Object.fromEntries(
  METRIC_IDS.map((id) => [id, metricCard(id)])
) as Record<MetricId, MetricCard>;

/** A few lines of text for terminals. */
export function formatCard(card: MetricCard): string {
  const lines = [
    `${card.name} — ${card.level}, range ${card.range}, ${card.higherIsBetter ? 'higher is better' : 'lower is better'}`,
    `  tokenizer: ${card.tokenizer}`,
    ...(card.smoothing ? [`  smoothing: ${card.smoothing}`] : []),
    `  matches:   ${card.matches}`,
    ...(card.signature ? [`  signature: ${card.signature}`] : []),
    ...card.notes.map((n) => `  · ${n}`)
  ];
  return lines.join('\n');
}
