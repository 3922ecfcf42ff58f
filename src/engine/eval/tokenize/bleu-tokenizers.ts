/** The BLEU tokenizers by their sacreBLEU names (the `tok:` field of the signature). */
import { tokenize13a } from './tok-13a.ts';
import { tokenizeZh } from './tok-zh.ts';
import { tokenizeIntl } from './tok-intl.ts';
import { tokenizeChar, tokenizeNone } from './tok-char.ts';

export type BleuTokenizerName = '13a' | 'zh' | 'intl' | 'char' | 'none';

export const BLEU_TOKENIZERS: Readonly<Record<BleuTokenizerName, (line: string) => string[]>> = {
  '13a': tokenize13a,
  zh: tokenizeZh,
  intl: tokenizeIntl,
  char: tokenizeChar,
  none: tokenizeNone
};

export function isBleuTokenizerName(s: string): s is BleuTokenizerName {
  return Object.hasOwn(BLEU_TOKENIZERS, s);
}
