/**
 * sacreBLEU's default `13a` tokenizer (mteval-v13a.pl): drop `<skipped>`, join hyphenated line
 * breaks, turn newlines into spaces, unescape four HTML entities (only when the line has `&`),
 * pad with one space on each side (so a final `2.0.` becomes `2.0 .`), then the mteval rules.
 */
import { mtevalRegexpTokens } from './mteval-regexp.ts';

export function tokenize13a(line: string): string[] {
  let s = line;
  if (s.indexOf('<skipped>') >= 0) s = s.replaceAll('<skipped>', '');
  if (s.indexOf('\n') >= 0) s = s.replaceAll('-\n', '').replaceAll('\n', ' ');
  if (s.indexOf('&') >= 0) {
    s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return mtevalRegexpTokens(` ${s} `);
}
