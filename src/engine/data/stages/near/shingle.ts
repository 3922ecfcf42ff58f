/**
 * Shingles: the set a text is compared by, as 32-bit hashes.
 *
 * Normalisation: lower case; letters and digits form tokens, everything else (spaces, punctuation,
 * symbols) separates them. So "Card?" and "card" are the same token, and an extra space or a
 * changed final punctuation mark does not change the set.
 *
 * Text that contains a CJK character (Han, Kana, Hangul) has no spaces between words, so its
 * shingles are character n-grams over its letters and digits; other text uses word n-grams. A
 * text with fewer tokens than n has one shingle (all its tokens); an empty text has none and is
 * never a near duplicate.
 */

export interface ShingleOptions {
  wordNgram: number;
  charNgram: number;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Han, Kana, Hangul and CJK symbols/compatibility blocks; astral Han via its high surrogates. */
export function isCjk(c: number): boolean {
  return (
    (c >= 0x2e80 && c <= 0x9fff) ||
    (c >= 0xac00 && c <= 0xd7af) ||
    (c >= 0x1100 && c <= 0x11ff) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xff66 && c <= 0xff9f) ||
    (c >= 0xd840 && c <= 0xd87f)
  );
}

/** Letters and digits (and CJK characters): the characters tokens are made of. */
function isTokenChar(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
  if (c <= 0xbf) return c === 0xaa || c === 0xb5 || c === 0xba;
  if (c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false; // punctuation, symbols, arrows, dingbats
  if (c >= 0x2e00 && c <= 0x2e7f) return false;
  if (c >= 0x3000 && c <= 0x303f) return false; // CJK symbols and punctuation
  if (c >= 0xfe10 && c <= 0xfe6f) return false;
  if (c >= 0xff00 && c <= 0xff0f) return false; // fullwidth punctuation
  if (c >= 0xff1a && c <= 0xff20) return false;
  if (c >= 0xff3b && c <= 0xff40) return false;
  if (c >= 0xff5b && c <= 0xff65) return false;
  return true;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** ASCII letters and digits → their lower-case code; anything else → 0. */
const ASCII_TOKEN = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) ASCII_TOKEN[c] = c;
  else if (c >= 0x41 && c <= 0x5a) ASCII_TOKEN[c] = c + 32;
}

const FNV = 0x811c9dc5 | 0;

/** Word hashes of pure-ASCII text (the common case: one pass, a table lookup per character). */
function asciiWords(t: string, start: number, end: number, tokens: Int32Array): number {
  let n = 0;
  let h = FNV;
  let inWord = false;
  for (let i = start; i < end; i++) {
    const v = ASCII_TOKEN[t.charCodeAt(i)];
    if (v !== 0) {
      h = Math.imul(h ^ v, 0x01000193);
      inWord = true;
    } else if (inWord) {
      tokens[n++] = fmix32(h);
      h = FNV;
      inWord = false;
    }
  }
  if (inWord) tokens[n++] = fmix32(h);
  return n;
}

/** Word hashes of lower-cased text with non-ASCII characters (same hashes as asciiWords for ASCII words). */
function unicodeWords(t: string, start: number, end: number, tokens: Int32Array): number {
  let n = 0;
  let h = FNV;
  let inWord = false;
  for (let i = start; i < end; i++) {
    const c = t.charCodeAt(i);
    if (isTokenChar(c)) {
      h = Math.imul(h ^ c, 0x01000193);
      inWord = true;
    } else if (inWord) {
      tokens[n++] = fmix32(h);
      h = FNV;
      inWord = false;
    }
  }
  if (inWord) tokens[n++] = fmix32(h);
  return n;
}

/** One hash per letter, digit or CJK character. */
function cjkChars(t: string, start: number, end: number, tokens: Int32Array): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = t.charCodeAt(i);
    if (isTokenChar(c)) tokens[n++] = fmix32(Math.imul(c, 0x9e3779b1));
  }
  return n;
}

function hasCjk(t: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0x1100 && isCjk(c)) return true;
  }
  return false;
}

/** Growable int32 buffer of shingle hashes for many rows. */
export class ShingleStore {
  data = new Int32Array(1 << 16);
  length = 0;

  ensure(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    let cap = this.data.length;
    while (cap < this.length + extra) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

/** Turns texts into shingle hashes, reusing its scratch buffers between calls. */
export class Shingler {
  private tokens = new Int32Array(256);

  constructor(readonly opts: ShingleOptions) {}

  /** Appends the shingles of `text` to `store`; returns how many were added. */
  add(text: string | null, store: ShingleStore): number {
    if (!text) return 0;
    const ascii = !NON_ASCII.test(text);
    const t = ascii ? text : text.toLowerCase();
    return this.addRange(t, 0, t.length, ascii, store);
  }

  /**
   * Appends the shingles of t[start, end). `ascii`: the range is pure ASCII; otherwise `t` must
   * already be lower-cased (String.prototype.toLowerCase, done once for a whole block).
   */
  addRange(t: string, start: number, end: number, ascii: boolean, store: ShingleStore): number {
    if (this.tokens.length < end - start + 1) this.tokens = new Int32Array(end - start + 1);
    const tokens = this.tokens;
    const cjk = !ascii && hasCjk(t, start, end);
    const n = ascii ? asciiWords(t, start, end, tokens) : cjk ? cjkChars(t, start, end, tokens) : unicodeWords(t, start, end, tokens);
    if (n === 0) return 0;
    const size = cjk ? this.opts.charNgram : this.opts.wordNgram;
    const count = n < size ? 1 : n - size + 1;
    const width = n < size ? n : size;
    if (store.length + count > store.data.length) store.ensure(count);
    const out = store.data;
    let pos = store.length;
    for (let s = 0; s < count; s++) {
      let h = width;
      for (let k = 0; k < width; k++) h = Math.imul(((h << 13) | (h >>> 19)) ^ tokens[s + k], 0x5bd1e995);
      out[pos++] = fmix32(h);
    }
    store.length = pos;
    return count;
  }
}
