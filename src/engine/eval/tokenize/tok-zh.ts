/**
 * sacreBLEU's `zh` tokenizer: strip, surround every "Chinese" code point with spaces, then the
 * mteval rules (no entity handling, no padding).
 *
 * Which code points count as Chinese is copied from sacreBLEU's behaviour, not from its comments:
 * its range table writes two entries as '\u20000'/'\u2a6d6' and '\u2f800'/'\u2fa1d', which in
 * Python are two-character strings, so for a single character they act as U+2001–U+2A6D and
 * U+2F81–U+2FA1. That puts General Punctuation (curly quotes, dashes, …), currency, arrows and
 * maths symbols in, and leaves every astral Han character out. The merged ranges below are
 * exactly the set sacreBLEU 2.6.0's `_is_chinese_char` accepts.
 */
import { mtevalRegexpTokens } from './mteval-regexp.ts';
import { pyStrip } from '../text/python-text.ts';

const CHINESE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x2001, 0x2a6d],
  [0x2e80, 0x2fdf],
  [0x2ff0, 0x303f],
  [0x3100, 0x312f],
  [0x31a0, 0x31ef],
  [0x3200, 0x4db5],
  [0x4e00, 0x9fbb],
  [0xf900, 0xfa2d],
  [0xfa30, 0xfa6a],
  [0xfa70, 0xfad9],
  [0xfe10, 0xfe1f],
  [0xfe30, 0xfe4f],
  [0xff00, 0xffef]
];

/** True for the code points sacreBLEU's `zh` tokenizer splits out as single tokens. */
export function isSacrebleuChineseChar(cp: number): boolean {
  if (cp < 0x2001 || cp > 0xffef) return false;
  for (const [lo, hi] of CHINESE_RANGES) {
    if (cp < lo) return false;
    if (cp <= hi) return true;
  }
  return false;
}

export function tokenizeZh(line: string): string[] {
  const s = pyStrip(line);
  let out = '';
  let from = 0;
  // All ranges are in the BMP, so code units suffice; a surrogate is never Chinese here.
  for (let i = 0; i < s.length; i++) {
    if (isSacrebleuChineseChar(s.charCodeAt(i))) {
      out += s.slice(from, i) + ' ' + s[i] + ' ';
      from = i + 1;
    }
  }
  return mtevalRegexpTokens(from === 0 ? s : out + s.slice(from));
}
