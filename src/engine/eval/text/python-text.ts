/**
 * Python string semantics the reference metrics depend on, for JavaScript strings.
 *
 * sacreBLEU and rouge-score run on Python `str`: whitespace is `str.split()`'s set and strings
 * are sequences of code points. JavaScript's `\s` is a different set (it has U+FEFF, lacks
 * U+0085 and U+001C–U+001F) and JS strings are UTF-16, so every metric goes through these
 * helpers instead of `\s`, `.length` or `.split(/\s+/)`.
 */

/** Code points Python's `str.isspace()` accepts; all are in the BMP. */
export function isPyWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000
  );
}

/** Python's `s.split()` (no argument): split on runs of whitespace, no empty strings. */
export function pySplit(s: string): string[] {
  const out: string[] = [];
  const n = s.length;
  let start = -1;
  for (let i = 0; i < n; i++) {
    const ws = isPyWhitespace(s.charCodeAt(i));
    if (ws) {
      if (start >= 0) {
        out.push(s.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(start === 0 ? s : s.slice(start));
  return out;
}

/** Python's `s.rstrip()`. */
export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPyWhitespace(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Python's `s.strip()`. */
export function pyStrip(s: string): string {
  let start = 0;
  while (start < s.length && isPyWhitespace(s.charCodeAt(start))) start++;
  return pyRstrip(start === 0 ? s : s.slice(start));
}

/** Python's `"".join(s.split())`: the text with every whitespace character removed. */
export function pyRemoveWhitespace(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    if (isPyWhitespace(s.charCodeAt(i))) {
      if (i > from) out += s.slice(from, i);
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

/** The code points of a string, as Python's `list(s)` sees it (astral characters are one item). */
export function codePointsOf(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    out.push(c);
  }
  return out;
}

/** Python's `len(s)`: the number of code points. */
export function pyLen(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * Python's `round(x, ndigits)` for floats: round half to even on the exact binary value.
 * `toFixed` also works on the exact value but breaks exact ties upwards; a tie is only possible
 * when x·10^d·2 is an odd integer exactly, which is checked with BigInt arithmetic.
 */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || ndigits > 15) return x;
  const fixed = Number(x.toFixed(ndigits));
  if (!isExactHalfTie(x, ndigits)) return fixed;
  const scale = 10 ** ndigits;
  const lower = Math.floor(Math.abs(x) * scale);
  const even = lower % 2 === 0 ? lower : lower + 1;
  return Math.sign(x) * (even / scale);
}

/** True when |x|·10^d is exactly k + 1/2 for an integer k (exact, via the binary expansion). */
function isExactHalfTie(x: number, d: number): boolean {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const bits = buf.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0 && mant === 0n) return false;
  let e2 = exp - 1075;
  if (exp !== 0) mant |= 1n << 52n;
  else e2 = -1074;
  // |x| = mant · 2^e2; |x|·10^d·2 = mant · 10^d · 2^(e2+1) must be an odd integer.
  let num = mant * 10n ** BigInt(d);
  const shift = e2 + 1;
  if (shift > 0) return false; // an integer times a positive power of 2 is even
  if (shift === 0) return num % 2n === 1n;
  const div = 1n << BigInt(-shift);
  if (num % div !== 0n) return false;
  num /= div;
  return num % 2n === 1n;
}
