/**
 * A Plan's style block (dsl StyleParams) as the metric module's StyleRule:
 *   lexicon → prefer, forbidden → avoid, min_tokens/max_tokens → length bounds,
 *   require/reject → required/forbidden patterns, max_repetition → repetition,
 *   threshold → passScore (an output is in style when its score reaches it).
 * Patterns may start with inline flags as written in the language (r"(?i)\bhelp\b"): JavaScript
 * has no inline flags, so a leading (?ims) group becomes RegExp flags (the checker allows flags
 * only there).
 */
import type { StyleParams } from '../../../../dsl/plan.ts';
import type { StyleRule, WeightedPattern } from '../index.ts';

export function toPattern(source: string): WeightedPattern {
  const m = /^\(\?([imsU]+)\)/.exec(source);
  if (!m) return { pattern: source };
  const flags = [...new Set(m[1].replace(/U/g, ''))].join('');
  return flags ? { pattern: source.slice(m[0].length), flags } : { pattern: source.slice(m[0].length) };
}

export function toStyleRule(s: StyleParams): StyleRule {
  const rule: StyleRule = { name: s.name, passScore: s.threshold };
  if (s.lexicon.length) rule.prefer = s.lexicon.map((t) => ({ term: t.term, weight: t.weight }));
  if (s.forbidden.length) rule.avoid = s.forbidden.map((t) => ({ term: t.term, weight: t.weight }));
  if (s.min_tokens !== null) rule.minTokens = s.min_tokens;
  if (s.max_tokens !== null) rule.maxTokens = s.max_tokens;
  if (s.require.length) rule.require = s.require.map(toPattern);
  if (s.reject.length) rule.forbid = s.reject.map(toPattern);
  if (s.max_repetition !== null) rule.maxRepetition = s.max_repetition;
  return rule;
}
