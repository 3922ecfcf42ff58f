/**
 * The metrics an eval stage may ask for: a language fact (the evaluator implements each one,
 * under these names, with these options). Options are written in parentheses after the name:
 *   metrics bleu(tokenize zh), chrf++, rougeL(stem, tokenize han_char), intent_accuracy(against intent)
 */

export type MetricOption =
  | { kind: 'enum'; values: readonly string[]; default: string; aliases?: Record<string, string>; doc: string }
  | { kind: 'bool'; default: boolean; doc: string }
  /** A column of the eval data; required. */
  | { kind: 'column'; doc: string };

export interface MetricInfo {
  doc: string;
  /** Higher is better (max) or lower is better (min): early stopping and comparisons use this. */
  direction: 'max' | 'min';
  /** generation: scored on generated outputs; teacher_forcing: computed from the model's
   *  next-token predictions on the references; classification: predicted vs labelled class. */
  source: 'generation' | 'teacher_forcing' | 'classification';
  range: string;
  options: Record<string, MetricOption>;
}

const lowercase: MetricOption = { kind: 'bool', default: false, doc: 'compare lower-cased text' };
const rougeOptions: Record<string, MetricOption> = {
  stem: { kind: 'bool', default: false, doc: "Porter-stem English tokens (rouge-score's use_stemmer)" },
  tokenize: { kind: 'enum', values: ['default', 'han_char'], default: 'default', doc: "default: rouge-score's tokenizer (drops non-ASCII, so Chinese scores 0); han_char: one token per Han/Kana/Hangul character" }
};
const against: Record<string, MetricOption> = { against: { kind: 'column', doc: 'the column holding the reference label, e.g. intent' } };

export const METRICS: Record<string, MetricInfo> = {
  bleu: {
    doc: 'Corpus BLEU, identical to sacreBLEU (per-example sentence BLEU is reported too).',
    direction: 'max',
    source: 'generation',
    range: '0–100',
    options: {
      tokenize: { kind: 'enum', values: ['13a', 'zh', 'char', 'intl', 'none'], default: '13a', doc: 'sacreBLEU tokenizer; use zh for Chinese' },
      smooth: { kind: 'enum', values: ['exp', 'floor', 'add-k', 'none'], default: 'exp', aliases: { add_k: 'add-k' }, doc: 'sacreBLEU smoothing method' },
      lowercase
    }
  },
  bleu_llamafactory: {
    doc: "LLaMA-Factory's BLEU-4: character-level sentence BLEU with NLTK smoothing method3, averaged over examples (0–100).",
    direction: 'max',
    source: 'generation',
    range: '0–100',
    options: {}
  },
  chrf: { doc: 'chrF (character 6-grams, β=2), identical to sacreBLEU.', direction: 'max', source: 'generation', range: '0–100', options: { lowercase } },
  'chrf++': { doc: 'chrF++ (chrF plus word 1- and 2-grams), identical to sacreBLEU.', direction: 'max', source: 'generation', range: '0–100', options: { lowercase } },
  rouge1: { doc: 'ROUGE-1 F-measure, identical to rouge-score.', direction: 'max', source: 'generation', range: '0–1', options: rougeOptions },
  rouge2: { doc: 'ROUGE-2 F-measure, identical to rouge-score.', direction: 'max', source: 'generation', range: '0–1', options: rougeOptions },
  rougeL: { doc: 'ROUGE-L (longest common subsequence) F-measure, identical to rouge-score.', direction: 'max', source: 'generation', range: '0–1', options: rougeOptions },
  rougeLsum: { doc: 'ROUGE-Lsum (summary-level LCS over newline-split sentences), identical to rouge-score.', direction: 'max', source: 'generation', range: '0–1', options: rougeOptions },
  exact_match: {
    doc: 'Share of outputs equal to the reference.',
    direction: 'max',
    source: 'generation',
    range: '0–1',
    options: { lowercase, strip: { kind: 'bool', default: true, doc: 'ignore leading and trailing whitespace' } }
  },
  perplexity: { doc: 'exp(mean token loss) on the assistant turns of the eval data.', direction: 'min', source: 'teacher_forcing', range: '≥ 1', options: {} },
  token_accuracy: { doc: 'Mean next-token accuracy on the assistant turns of the eval data.', direction: 'max', source: 'teacher_forcing', range: '0–1', options: {} },
  intent_accuracy: { doc: 'Share of outputs whose predicted intent equals the label column.', direction: 'max', source: 'classification', range: '0–1', options: against },
  intent_f1: { doc: 'Macro-averaged F1 of predicted intents against the label column (with a confusion matrix).', direction: 'max', source: 'classification', range: '0–1', options: against }
};

export const METRIC_NAMES = Object.keys(METRICS);

/** Metrics early stopping may watch, besides generation metrics on the validation data. */
export const TRAINING_METRICS: Record<string, { doc: string; direction: 'min' | 'max' }> = {
  val_loss: { doc: 'mean token loss on the validation data', direction: 'min' },
  val_token_accuracy: { doc: 'mean next-token accuracy on the validation data', direction: 'max' }
};

/** Names `on` accepts in a train block. */
export function earlyStopMetricNames(): string[] {
  return [...Object.keys(TRAINING_METRICS), ...METRIC_NAMES.filter((m) => METRICS[m].source === 'generation')];
}
