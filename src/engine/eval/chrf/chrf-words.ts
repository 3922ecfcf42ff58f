/**
 * chrF++'s word splitting (sacreBLEU `_remove_punctuation`): whitespace-split, then for a word
 * longer than one character split ONE ASCII punctuation character off its end, or else off its
 * start — so `(hi)` becomes `(hi` and `)` (sacreBLEU issue #124, kept).
 */
import { pyLen, pySplit } from '../text/python-text.ts';

const PUNCT = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

export function chrfWords(sent: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(sent)) {
    if (pyLen(w) === 1) {
      out.push(w);
      continue;
    }
    // Punctuation is ASCII, so the last/first UTF-16 unit is the last/first code point when it matches.
    const last = w[w.length - 1];
    if (PUNCT.has(last)) out.push(w.slice(0, -1), last);
    else if (PUNCT.has(w[0])) out.push(w[0], w.slice(1));
    else out.push(w);
  }
  return out;
}
