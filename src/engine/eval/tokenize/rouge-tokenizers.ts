/**
 * ROUGE tokenizers.
 *
 * `default` is rouge-score 0.1.2's DefaultTokenizer: lower-case (Unicode), replace every run of
 * characters outside [a-z0-9] with a space, split, Porter-stem tokens longer than 3 characters
 * when stemming, keep tokens matching ^[a-z0-9]+$. Everything non-ASCII disappears, so Chinese
 * text has no tokens and scores 0 — that is rouge-score's behaviour and it is kept.
 *
 * `han_char` is tunebench's documented option for Chinese, defined in the eval fixtures README:
 * lower-case; every code point of script Han is a token of its own; every maximal run of
 * [a-z0-9] is a token (stemmed like `default`); everything else (whitespace, punctuation,
 * full-width Latin, kana, Hangul, other scripts) only separates tokens. On text without Han
 * characters it gives exactly the `default` tokens.
 */
import { cachedPorterStemmer } from './porter.ts';

export type RougeTokenizerName = 'default' | 'han_char';

export type RougeTokenizer = (text: string) => string[];

const ASCII_WORD = /[a-z0-9]+/g;
const HAN_OR_ASCII_WORD = /\p{Script=Han}|[a-z0-9]+/gu;

function stemmed(tokens: string[], stem: (w: string) => string): string[] {
  for (let i = 0; i < tokens.length; i++) if (tokens[i].length > 3) tokens[i] = stem(tokens[i]);
  return tokens;
}

/** Builds a tokenizer; stemmers are memoised per tokenizer instance. */
export function rougeTokenizer(name: RougeTokenizerName, useStemmer: boolean): RougeTokenizer {
  const stem = useStemmer ? cachedPorterStemmer() : null;
  if (name === 'default') {
    return (text) => {
      const tokens = text.toLowerCase().match(ASCII_WORD) ?? [];
      return stem ? stemmed(tokens, stem) : tokens;
    };
  }
  return (text) => {
    const tokens = text.toLowerCase().match(HAN_OR_ASCII_WORD) ?? [];
    // Han tokens are one character, so the "longer than 3" rule never stems them.
    return stem ? stemmed(tokens, stem) : tokens;
  };
}

export function isRougeTokenizerName(s: string): s is RougeTokenizerName {
  return s === 'default' || s === 'han_char';
}
