/**
 * A style, as plain data. The `.ftp` style block maps onto this type, e.g.
 *   style formal { lexicon ["建议", "根据", "研究"]  min_tokens 50 }
 *   → { name: 'formal', prefer: [{term:'建议'},{term:'根据'},{term:'研究'}], minTokens: 50 }
 *
 * Each configured part is one component scored in [0, 1]:
 * - prefer:     min(1, Σ weights of preferred terms present / preferTarget)   (preferTarget default 1)
 * - avoid:      max(0, 1 − Σ weights of forbidden terms present)              (weight 1 = fatal)
 * - length:     1 inside [minTokens, maxTokens]; below: tokens/minTokens; above: maxTokens/tokens
 * - require:    weighted share of the required regexes that match
 * - forbid:     weighted share of the forbidden regexes that do NOT match
 * - repetition: 1 while the repeated-n-gram ratio ≤ maxRepetition, falling linearly to 0 at ratio 1
 * The example's style score is the weighted mean of its components (component weights default 1);
 * an example SATISFIES the style when every component scores 1 (or, when passScore is given,
 * when its score ≥ passScore). Style consistency = share of examples that satisfy it.
 */

export interface WeightedTerm {
  term: string;
  /** Default 1. */
  weight?: number;
}

export interface WeightedPattern {
  /** JavaScript regular expression source, e.g. "^(您好|你好)". */
  pattern: string;
  /** Regex flags; 'u' is always added. */
  flags?: string;
  /** Default 1. */
  weight?: number;
}

export type StyleComponentName = 'prefer' | 'avoid' | 'length' | 'require' | 'forbid' | 'repetition';

export interface StyleRule {
  name: string;
  /** Lexicon of preferred terms (rewarded). */
  prefer?: WeightedTerm[];
  /** Preferred-term weight needed for full credit; default 1 (one term of weight 1). */
  preferTarget?: number;
  /** Forbidden terms (penalised by their weight). */
  avoid?: WeightedTerm[];
  /** Length bounds in style tokens (see styleTokens). */
  minTokens?: number;
  maxTokens?: number;
  /** Regexes the output must match. */
  require?: WeightedPattern[];
  /** Regexes the output must not match. */
  forbid?: WeightedPattern[];
  /** "Concise": the largest acceptable share of repeated n-grams, 0–1. */
  maxRepetition?: number;
  /** n for the repetition measure; default 3. */
  repetitionN?: number;
  /** Component weights in the score; default 1 each. */
  weights?: Partial<Record<StyleComponentName, number>>;
  /** When set, satisfied ⇔ score ≥ passScore instead of "every component scores 1". */
  passScore?: number;
}
