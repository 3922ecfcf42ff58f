/**
 * sacreBLEU's `intl` tokenizer (mteval-v14 international): split punctuation from a neighbour
 * that is not a number, and every symbol from both sides, using Unicode property classes:
 *   (\P{N})(\p{P}) → "$1 $2 ",  (\p{P})(\P{N}) → " $1 $2",  (\p{S}) → " $1 ".
 * No padding, so a final `2.0.` stays one token (as in mteval-v14). sacreBLEU uses the `regex`
 * module; JavaScript's `\p{..}` with the `u` flag is the same Unicode classification (checked
 * against the fixtures; Node 20 knows Unicode 15.1, the reference regex 2022.10 knows 15.0).
 */
import { pySplit } from '../text/python-text.ts';

const PUNCT_AFTER_NON_NUMBER = /(\P{N})(\p{P})/gu;
const PUNCT_BEFORE_NON_NUMBER = /(\p{P})(\P{N})/gu;
const SYMBOL = /(\p{S})/gu;

export function tokenizeIntl(line: string): string[] {
  let s = line.replace(PUNCT_AFTER_NON_NUMBER, '$1 $2 ');
  s = s.replace(PUNCT_BEFORE_NON_NUMBER, ' $1 $2');
  s = s.replace(SYMBOL, ' $1 ');
  return pySplit(s);
}
