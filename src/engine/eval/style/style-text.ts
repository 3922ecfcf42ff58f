/**
 * Text measures for style rules.
 * Style tokens: every Han, Hiragana, Katakana or Hangul character is one token; every other run of
 * letters, digits and combining marks is one token; punctuation and whitespace are not tokens.
 * (These are text tokens, not model tokens: "over 50 tokens" means the same for every model.)
 */

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
const STYLE_TOKEN = new RegExp(`[${CJK}]|(?:(?![${CJK}])[\\p{L}\\p{N}\\p{M}])+`, 'gu');

export function styleTokens(text: string): string[] {
  return text.toLowerCase().match(STYLE_TOKEN) ?? [];
}

/** Repeated-n-gram ratio: 1 − distinct n-grams / n-grams (0 when there are no n-grams). */
export function repetitionRatio(tokens: readonly string[], n: number): number {
  const total = tokens.length - n + 1;
  if (total <= 0) return 0;
  const seen = new Set<string>();
  for (let i = 0; i < total; i++) seen.add(tokens.slice(i, i + n).join('\u0000'));
  return 1 - seen.size / total;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a lexicon term occurs: case-insensitive; a term made only of ASCII letters/digits must
 * match as a whole word (so "please" does not match "pleased"); any other term (Chinese, phrases
 * with punctuation) matches as a substring.
 */
export function termMatcher(term: string): (text: string) => boolean {
  const t = term.toLowerCase();
  if (/^[a-z0-9]+(?: [a-z0-9]+)*$/.test(t)) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegex(t)}(?![\\p{L}\\p{N}])`, 'u');
    return (text) => re.test(text.toLowerCase());
  }
  return (text) => text.toLowerCase().includes(t);
}
