/**
 * Per-segment chrF statistics (sacreBLEU `CHRF._compute_segment_statistics`): character n-grams
 * of the text with all whitespace removed (code points, so an emoji is one character), word
 * n-grams of chrfWords() for chrF++. Each reference is scored on its own and the segment keeps
 * the statistics of the reference with the highest sentence chrF (the first one on ties).
 * An order the reference has no n-grams of contributes hyp_count = 0 for that order.
 */
import { CountTable } from '../ngram/count-table.ts';
import { Interner } from '../ngram/interner.ts';
import { LocalAlphabet, NgramKeyBuilder, NgramKeys } from '../ngram/ngram-keys.ts';
import { pyRemoveWhitespace } from '../text/python-text.ts';
import { chrfFromStats, type ChrfComputeOptions } from './chrf-score.ts';
import { chrfWords } from './chrf-words.ts';

export interface ChrfStatsOptions extends ChrfComputeOptions {
  charOrder: number;
  wordOrder: number;
  lowercase: boolean;
  whitespace: boolean;
}

/** One n-gram family (characters or words) with its own alphabet, keys and table. */
class Family {
  readonly alphabet = new LocalAlphabet();
  readonly builder = new NgramKeyBuilder();
  readonly table = new CountTable(1024);
  readonly hypKeys = new NgramKeys();
  readonly refKeys = new NgramKeys();
  private bufs: Int32Array[] = [];

  buffer(k: number, len: number): Int32Array {
    let b = this.bufs[k];
    if (!b || b.length < len) this.bufs[k] = b = new Int32Array(Math.max(64, len * 2));
    return b;
  }

  /**
   * Writes [hyp, ref, match] for orders 1..maxOrder of (hyp vs this ref) into out at offset.
   * Requires hypKeys built; builds refKeys from seq.
   */
  statsAgainst(ref: Int32Array, refLen: number, maxOrder: number, out: Float64Array, offset: number): void {
    this.builder.build(ref, refLen, maxOrder, this.refKeys);
    const t = this.table;
    t.clear();
    const rk = this.refKeys;
    for (let i = 0; i < rk.start[maxOrder]; i++) t.add(rk.keys[i]);
    const hk = this.hypKeys;
    for (let n = 1; n <= maxOrder; n++) {
      const refCount = rk.count(n);
      let match = 0;
      const to = hk.start[n];
      for (let i = hk.start[n - 1]; i < to; i++) if (t.take(hk.keys[i])) match++;
      const o = offset + 3 * (n - 1);
      out[o] = refCount > 0 ? hk.count(n) : 0;
      out[o + 1] = refCount;
      out[o + 2] = match;
    }
  }
}

/** Computes chrF statistics segment by segment; reuse one instance for a corpus. */
export class ChrfCounter {
  private chars = new Family();
  private words = new Family();
  private wordIds = new Interner();
  private candidate: Float64Array;
  readonly width: number;

  constructor(readonly o: ChrfStatsOptions) {
    this.width = 3 * (o.charOrder + o.wordOrder);
    this.candidate = new Float64Array(this.width);
  }

  private prep(s: string): string {
    return this.o.lowercase ? s.toLowerCase() : s;
  }

  /** Fills `out[offset .. offset+width)` with the best reference's statistics. */
  segment(hyp: string, refs: readonly string[], out: Float64Array, offset: number): void {
    const { charOrder, wordOrder } = this.o;
    const hypText = this.prep(hyp);
    const refTexts = refs.map((r) => this.prep(r));

    // Characters: code points, one alphabet over hypothesis and all references.
    const ch = this.chars;
    ch.alphabet.reset();
    const charSeqs: Int32Array[] = [];
    const charLens: number[] = [];
    for (let r = 0; r <= refTexts.length; r++) {
      const text = r < refTexts.length ? refTexts[r] : hypText;
      const t = this.o.whitespace ? text : pyRemoveWhitespace(text);
      const buf = ch.buffer(r, t.length);
      let len = 0;
      for (let i = 0; i < t.length; i++) {
        let c = t.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < t.length) {
          const d = t.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
            i++;
          }
        }
        buf[len++] = ch.alphabet.id(c);
      }
      charSeqs.push(buf);
      charLens.push(len);
    }
    ch.builder.begin(ch.alphabet.size, charOrder);
    const R = refTexts.length;
    ch.builder.build(charSeqs[R], charLens[R], charOrder, ch.hypKeys);

    // Words (chrF++ only).
    const wordSeqs: Int32Array[] = [];
    const wordLens: number[] = [];
    const wd = this.words;
    if (wordOrder > 0) {
      wd.alphabet.reset();
      for (let r = 0; r <= R; r++) {
        const ws = chrfWords(r < R ? refTexts[r] : hypText);
        const buf = wd.buffer(r, ws.length);
        for (let i = 0; i < ws.length; i++) buf[i] = wd.alphabet.id(this.wordIds.id(ws[i]));
        wordSeqs.push(buf);
        wordLens.push(ws.length);
      }
      wd.builder.begin(wd.alphabet.size, wordOrder);
      wd.builder.build(wordSeqs[R], wordLens[R], wordOrder, wd.hypKeys);
    }

    let best = -1.0;
    const cand = R === 1 ? out : this.candidate;
    const candOffset = R === 1 ? offset : 0;
    for (let r = 0; r < R; r++) {
      ch.statsAgainst(charSeqs[r], charLens[r], charOrder, cand, candOffset);
      if (wordOrder > 0) wd.statsAgainst(wordSeqs[r], wordLens[r], wordOrder, cand, candOffset + 3 * charOrder);
      if (R === 1) return;
      const f = chrfFromStats(cand, this.o, candOffset);
      if (f > best) {
        best = f;
        out.set(cand.subarray(0, this.width), offset);
      }
    }
  }
}
