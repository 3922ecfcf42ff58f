import { describe, expect, it } from 'vitest';
import { classificationReport, corpusBleu, corpusChrf, corpusRouge, exactMatch, perplexity, sentenceBleus, styleScores, bootstrapCI } from '../index.ts';
import { metricSpecs, styleSpecs } from './metric-specs.ts';
import { metricResamplable, scoreModel, type ScoringRow } from './scoring.ts';
import { toStyleRule } from './styles.ts';
import type { StyleParams } from '../../../../dsl/plan.ts';

const outputs = ['the cat sat on the mat', 'hello there, how can I help', 'billing', 'Refund is on its way.', ''];
const refs = ['the cat is on the mat', 'Hello, how can I help you today?', 'billing', 'Your refund is on its way.', 'shipping'];
const gold = ['billing', 'account', 'billing', null, 'shipping'];
const predicted = ['billing', 'billing', 'billing', 'returns', null];
const tokens = [
  { lossSum: 3.2, tokens: 4, correct: 2 },
  { lossSum: 10, tokens: 7, correct: 3 },
  { lossSum: 0.5, tokens: 2, correct: 2 },
  { lossSum: 6, tokens: 5, correct: 1 },
  { lossSum: 4, tokens: 3, correct: 0 }
];
const rows: ScoringRow[] = outputs.map((output, i) => ({ output, reference: refs[i], tokens: tokens[i], labels: { intent: { gold: gold[i], predicted: predicted[i] } } }));

const style: StyleParams = { name: 'polite', lexicon: [{ term: 'help', weight: 1 }], forbidden: [], min_tokens: 3, max_tokens: null, require: ['(?i)^hello'], reject: [], max_repetition: null, threshold: 0.5 };

const specs = metricSpecs({
  metrics: [
    { name: 'bleu', options: { tokenize: '13a', smooth: 'exp', lowercase: false } },
    { name: 'chrf++', options: { lowercase: false } },
    { name: 'rougeL', options: { stem: true, tokenize: 'default' } },
    { name: 'exact_match', options: { lowercase: false, strip: true } },
    { name: 'intent_accuracy', options: { against: 'intent' } },
    { name: 'intent_f1', options: { against: 'intent' } }
  ]
});

describe('scoreModel', () => {
  const r = scoreModel(specs, styleSpecs([style]), rows, { samples: 200, seed: 7, confidence: 0.95 });

  it('computes every aggregate with the metric functions themselves', () => {
    expect(r.scores.bleu.value).toBe(corpusBleu(outputs, refs.map((x) => [x])).score);
    expect(r.scores['chrf++'].value).toBe(corpusChrf(outputs, refs.map((x) => [x]), { wordOrder: 2 }).score);
    expect(r.scores.rougeL.value).toBe(corpusRouge(outputs, refs.map((x) => [x]), { types: ['rougeL'], useStemmer: true }).mean.rougeL!.fmeasure);
    expect(r.scores.exact_match.value).toBe(exactMatch(outputs, refs.map((x) => [x])).score);
    expect(r.scores.perplexity.value).toBe(perplexity(tokens).perplexity);
    expect(r.scores.token_accuracy.value).toBeCloseTo(8 / 21, 15);
    const report = classificationReport(['billing', 'account', 'billing', 'shipping'], ['billing', 'billing', 'billing', null]);
    expect(r.scores.intent_accuracy.value).toBe(report.accuracy);
    expect(r.scores.intent_f1.value).toBe(report.macroF1);
    expect(r.scores.intent_accuracy.examples).toBe(4); // the unlabelled example is left out
    expect(r.classification.intent.confusion).toEqual(report.confusion);
    const st = styleScores(outputs, toStyleRule(style));
    expect(r.scores['style:polite'].value).toBe(st.summary.meanScore);
    expect(r.scores['style_consistency:polite'].value).toBe(st.summary.consistency);
  });

  it('writes per-example columns that equal the sentence-level functions', () => {
    expect(r.columns.score_bleu).toEqual(sentenceBleus(outputs, refs.map((x) => [x])).map((b) => b.score));
    expect(r.columns.score_exact_match).toEqual([0, 0, 1, 0, 0]);
    expect(r.columns.score_perplexity[0]).toBeCloseTo(Math.exp(3.2 / 4), 12);
    expect(r.columns.style_polite_ok).toHaveLength(5);
    expect(Object.keys(r.columns)).not.toContain('score_intent_accuracy');
  });

  it('attaches bootstrap intervals that bracket the value', () => {
    for (const key of ['bleu', 'chrf++', 'rougeL', 'perplexity', 'intent_f1', 'style:polite']) {
      const s = r.scores[key];
      expect(s.ci, key).not.toBeNull();
      expect(s.ci!.resamples).toBe(200);
      expect(s.ci!.lower).toBeLessThanOrEqual(s.ci!.upper);
    }
    // The resamplable's full-set score is the metric's value (so paired tests compare the same numbers).
    for (const spec of specs) {
      const res = metricResamplable(spec, rows);
      const full = bootstrapCI(res!, { resamples: 1 }).score;
      expect(full, spec.key).toBeCloseTo(r.scores[spec.key].value!, 10);
    }
  });

  it('gives null values and no interval on an empty set', () => {
    const e = scoreModel(specs, [], [], { samples: 100, seed: 1, confidence: 0.95 });
    expect(e.scores.bleu).toEqual({ value: null, ci: null, examples: 0, detail: null });
  });
});

describe('metricSpecs', () => {
  it('always adds perplexity and token accuracy, and keys repeated metrics by their options', () => {
    const s = metricSpecs({
      metrics: [
        { name: 'bleu', options: { tokenize: '13a', smooth: 'exp', lowercase: false } },
        { name: 'bleu', options: { tokenize: 'zh', smooth: 'exp', lowercase: false } },
        { name: 'chrf++', options: { lowercase: false } }
      ]
    });
    expect(s.map((x) => [x.key, x.column, x.requested])).toEqual([
      ['bleu', 'score_bleu', true],
      ['bleu(tokenize=zh)', 'score_bleu_tokenize_zh', true],
      ['chrf++', 'score_chrfpp', true],
      ['perplexity', 'score_perplexity', false],
      ['token_accuracy', 'score_token_accuracy', false]
    ]);
    expect(s[1].card.tokenizer).toMatch(/^zh/);
    expect(s[0].example_card?.level).toBe('sentence');
  });
});
