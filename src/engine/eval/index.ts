/**
 * The evaluation metrics: the one door into src/engine/eval.
 *
 * References everywhere use the per-segment layout `refs[i] = [ref, ref, null, …]` (null =
 * absent reference); `fromStreams` converts sacreBLEU's stream layout.
 */
export { fromStreams, presentRefs, checkCorpus, MetricInputError, type SegmentRefs } from './refs.ts';

// BLEU (sacreBLEU 2.6.0)
export {
  corpusBleu,
  sentenceBleu,
  sentenceBleus,
  bleuStatistics,
  bleuTokens,
  resolveBleuOptions,
  type BleuOptions,
  type ResolvedBleuOptions,
  type BleuResult,
  type BleuStatistics
} from './bleu/bleu.ts';
export { bleuFromStats, BLEU_SMOOTH_DEFAULTS, isBleuSmoothing, type BleuScore, type BleuSmoothing } from './bleu/bleu-score.ts';
export { BLEU_TOKENIZERS, isBleuTokenizerName, type BleuTokenizerName } from './tokenize/bleu-tokenizers.ts';
export { bleuSignature, chrfSignature, numRefsOf, SACREBLEU_VERSION, type NumRefs } from './signature.ts';

// chrF / chrF++ (sacreBLEU 2.6.0)
export {
  corpusChrf,
  sentenceChrf,
  sentenceChrfs,
  chrfStatistics,
  resolveChrfOptions,
  type ChrfOptions,
  type ResolvedChrfOptions,
  type ChrfResult,
  type CorpusChrfResult,
  type ChrfStatistics
} from './chrf/chrf.ts';
export { chrfFromStats } from './chrf/chrf-score.ts';

// ROUGE (rouge-score 0.1.2)
export {
  corpusRouge,
  rougeScorer,
  meanRouge,
  isRougeType,
  DEFAULT_ROUGE_TYPES,
  type RougeType,
  type RougeOptions,
  type RougeScores,
  type RougeScorer,
  type RougeCorpusResult
} from './rouge/rouge.ts';
export type { PRF } from './rouge/rouge-score.ts';
export { rougeTokenizer, isRougeTokenizerName, type RougeTokenizerName } from './tokenize/rouge-tokenizers.ts';
export { porterStem } from './tokenize/porter.ts';

// Compatibility modes
export { llamaFactoryBleu, type LlamaFactoryBleuResult } from './compat/llamafactory.ts';
export { nltkCorpusBleu, nltkSentenceBleu, type NltkBleuOptions, type NltkSmoothing } from './compat/nltk-bleu.ts';

// Style, intent, exact match, token-level metrics
export type { StyleRule, WeightedTerm, WeightedPattern, StyleComponentName } from './style/style-rule.ts';
export { styleScorer, styleScores, StyleRuleError, type StyleScorer, type StyleExampleScore, type StyleComponentScore, type StyleSummary } from './style/style.ts';
export { styleTokens, repetitionRatio } from './style/style-text.ts';
export { classificationReport, NO_PREDICTION, type ClassificationReport, type LabelScores } from './classification.ts';
export { exactMatch, type ExactMatchOptions, type ExactMatchResult } from './exact-match.ts';
export {
  exampleTokenStats,
  perplexity,
  meanTokenAccuracy,
  type TokenStats,
  type PerplexityResult,
  type TokenAccuracyResult
} from './token-stats.ts';

// Metric cards
export { metricCard, formatCard, METRIC_CARDS, METRIC_IDS, type MetricCard, type MetricId, type MetricLevel, type CardOptions } from './cards.ts';

// Statistics
export { bootstrapCI, pairedBootstrap, type Resamplable, type BootstrapOptions, type BootstrapCI, type PairedBootstrapResult } from './stats/bootstrap.ts';
export {
  bleuResamplable,
  chrfResamplable,
  meanResamplable,
  perplexityResamplable,
  tokenAccuracyResamplable
} from './stats/resamplable.ts';
export { seededPrng, type Prng } from './stats/prng.ts';

// Input files
export { parsePairsJsonl, formatIssue, type ScorePairs, type PairsIssue } from './io/pairs-jsonl.ts';
export { runScore, isScoreMetric, SCORE_METRICS, type ScoreMetric, type ScoreRequest, type ScoreReport } from './score-request.ts';
