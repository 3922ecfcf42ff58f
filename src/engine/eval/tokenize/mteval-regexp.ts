/**
 * The mteval-v13a punctuation rules shared by sacreBLEU's `13a` and `zh` tokenizers
 * (sacreBLEU's TokenizerRegexp), applied in this order:
 *   1. split off ASCII punctuation/symbols except `'` `.` `,` `-` (the class also holds the space);
 *   2. split `.`/`,` after a non-digit;   3. split `.`/`,` before a non-digit;
 *   4. split `-` after a digit;           then collapse whitespace (Python's set).
 * The patterns work on UTF-16 units without the `u` flag on purpose: every class here is ASCII
 * or "any single unit", and a surrogate half never changes what the ASCII side matches, so the
 * output is the same as Python's code-point matching (and it is faster).
 */
import { pySplit } from '../text/python-text.ts';

const SYMBOLS = /([{-~[-` -&(-+:-@/])/g;
const PERIOD_COMMA_AFTER_NON_DIGIT = /([^0-9])([.,])/g;
const PERIOD_COMMA_BEFORE_NON_DIGIT = /([.,])([^0-9])/g;
const DASH_AFTER_DIGIT = /([0-9])(-)/g;

/** Applies the four rules and returns the tokens. */
export function mtevalRegexpTokens(line: string): string[] {
  let s = line.replace(SYMBOLS, ' $1 ');
  if (s.indexOf('.') >= 0 || s.indexOf(',') >= 0) {
    s = s.replace(PERIOD_COMMA_AFTER_NON_DIGIT, '$1 $2 ');
    s = s.replace(PERIOD_COMMA_BEFORE_NON_DIGIT, ' $1 $2');
  }
  if (s.indexOf('-') >= 0) s = s.replace(DASH_AFTER_DIGIT, '$1 $2 ');
  return pySplit(s);
}
