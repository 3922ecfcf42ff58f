/**
 * sacreBLEU's `char` and `none` tokenizers.
 * `char` joins every code point with spaces and BLEU then splits on whitespace, so the tokens are
 * the line's non-whitespace code points (an emoji or an astral Han character is one token).
 * `none` leaves the line as it is: tokens are its whitespace-separated words.
 */
import { isPyWhitespace, pySplit } from '../text/python-text.ts';

export function tokenizeChar(line: string): string[] {
  const out: string[] = [];
  for (const ch of line) {
    if (!isPyWhitespace(ch.charCodeAt(0))) out.push(ch);
  }
  return out;
}

export function tokenizeNone(line: string): string[] {
  return pySplit(line);
}
