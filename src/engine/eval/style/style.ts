/** Style scores per example and over a set (see style-rule.ts for the definition). */
import type { StyleComponentName, StyleRule, WeightedPattern } from './style-rule.ts';
import { repetitionRatio, styleTokens, termMatcher } from './style-text.ts';

export interface StyleComponentScore {
  score: number;
  /** What decided it: terms present, patterns missing/matched, token count, repetition ratio. */
  detail: string[] | number;
}

export interface StyleExampleScore {
  score: number;
  satisfied: boolean;
  tokens: number;
  components: Partial<Record<StyleComponentName, StyleComponentScore>>;
}

export interface StyleSummary {
  style: string;
  examples: number;
  /** Mean style score, 0–1. */
  meanScore: number;
  /** Share of examples that satisfy the style, 0–1. */
  consistency: number;
}

export interface StyleScorer {
  readonly rule: StyleRule;
  score(text: string): StyleExampleScore;
}

/** Thrown for a rule that cannot be used (bad regex, negative weight); names the rule and field. */
export class StyleRuleError extends Error {
  constructor(readonly rule: string, readonly field: string, message: string) {
    super(`style ${rule}: ${field}: ${message}`);
    this.name = 'StyleRuleError';
  }
}

function compile(rule: StyleRule, field: string, patterns: WeightedPattern[]): { re: RegExp; weight: number; source: string }[] {
  return patterns.map((p, i) => {
    const weight = p.weight ?? 1;
    if (!(weight >= 0)) throw new StyleRuleError(rule.name, `${field}[${i}].weight`, 'must be ≥ 0');
    try {
      const flags = [...new Set(((p.flags ?? '') + 'u').replace(/[gy]/g, ''))].join('');
      return { re: new RegExp(p.pattern, flags), weight, source: p.pattern };
    } catch (e) {
      throw new StyleRuleError(rule.name, `${field}[${i}].pattern`, (e as Error).message);
    }
  });
}

/** Prepares a rule once (regexes compiled, matchers built) for scoring many outputs. */
export function styleScorer(rule: StyleRule): StyleScorer {
  const prefer = (rule.prefer ?? []).map((t) => ({ term: t.term, weight: t.weight ?? 1, has: termMatcher(t.term) }));
  const avoid = (rule.avoid ?? []).map((t) => ({ term: t.term, weight: t.weight ?? 1, has: termMatcher(t.term) }));
  const require = compile(rule, 'require', rule.require ?? []);
  const forbid = compile(rule, 'forbid', rule.forbid ?? []);
  const preferTarget = rule.preferTarget ?? 1;
  if (!(preferTarget > 0)) throw new StyleRuleError(rule.name, 'preferTarget', 'must be > 0');
  const repN = rule.repetitionN ?? 3;
  const weight = (c: StyleComponentName) => rule.weights?.[c] ?? 1;

  const score = (text: string): StyleExampleScore => {
    const tokens = styleTokens(text);
    const components: Partial<Record<StyleComponentName, StyleComponentScore>> = {};
    if (prefer.length) {
      const hits = prefer.filter((t) => t.has(text));
      const w = hits.reduce((a, t) => a + t.weight, 0);
      components.prefer = { score: Math.min(1, w / preferTarget), detail: hits.map((t) => t.term) };
    }
    if (avoid.length) {
      const hits = avoid.filter((t) => t.has(text));
      const w = hits.reduce((a, t) => a + t.weight, 0);
      components.avoid = { score: Math.max(0, 1 - w), detail: hits.map((t) => t.term) };
    }
    if (rule.minTokens !== undefined || rule.maxTokens !== undefined) {
      const n = tokens.length;
      let s = 1;
      if (rule.minTokens !== undefined && n < rule.minTokens) s = rule.minTokens > 0 ? n / rule.minTokens : 1;
      else if (rule.maxTokens !== undefined && n > rule.maxTokens) s = rule.maxTokens / n;
      components.length = { score: s, detail: n };
    }
    if (require.length) {
      const total = require.reduce((a, p) => a + p.weight, 0);
      const missing = require.filter((p) => !p.re.test(text));
      const ok = total - missing.reduce((a, p) => a + p.weight, 0);
      components.require = { score: total > 0 ? ok / total : 1, detail: missing.map((p) => p.source) };
    }
    if (forbid.length) {
      const total = forbid.reduce((a, p) => a + p.weight, 0);
      const matched = forbid.filter((p) => p.re.test(text));
      const bad = matched.reduce((a, p) => a + p.weight, 0);
      components.forbid = { score: total > 0 ? (total - bad) / total : 1, detail: matched.map((p) => p.source) };
    }
    if (rule.maxRepetition !== undefined) {
      const r = repetitionRatio(tokens, repN);
      const max = rule.maxRepetition;
      const s = r <= max ? 1 : max >= 1 ? 1 : Math.max(0, 1 - (r - max) / (1 - max));
      components.repetition = { score: s, detail: r };
    }
    let num = 0;
    let den = 0;
    let all = true;
    for (const [name, c] of Object.entries(components) as [StyleComponentName, StyleComponentScore][]) {
      num += weight(name) * c.score;
      den += weight(name);
      if (c.score < 1) all = false;
    }
    const s = den > 0 ? num / den : 1;
    return { score: s, satisfied: rule.passScore !== undefined ? s >= rule.passScore : all, tokens: tokens.length, components };
  };
  return { rule, score };
}

/** Scores every output and summarises: mean score and consistency (share satisfied). */
export function styleScores(texts: readonly string[], rule: StyleRule): { examples: StyleExampleScore[]; summary: StyleSummary } {
  const scorer = styleScorer(rule);
  const examples = texts.map((t) => scorer.score(t));
  const n = examples.length;
  const meanScore = n ? examples.reduce((a, e) => a + e.score, 0) / n : 0;
  const consistency = n ? examples.filter((e) => e.satisfied).length / n : 0;
  return { examples, summary: { style: rule.name, examples: n, meanScore, consistency } };
}
