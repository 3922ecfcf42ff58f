/**
 * Per-segment BLEU statistics (sacreBLEU's `_compute_segment_statistics`), computed with packed
 * numeric n-gram keys instead of tuples and Counters.
 *
 * For each segment: reference n-gram counts are the per-n-gram maximum over the segment's
 * references; `correct` clips hypothesis counts by them; `ref_len` is the reference length
 * closest to the hypothesis length, ties going to the shorter reference.
 */
import { CountTable } from '../ngram/count-table.ts';
import { Interner } from '../ngram/interner.ts';
import { LocalAlphabet, NgramKeyBuilder, NgramKeys } from '../ngram/ngram-keys.ts';

/** sacreBLEU's `_get_closest_ref_len`. */
export function closestRefLen(hypLen: number, refLens: ArrayLike<number>): number {
  let closestDiff = -1;
  let closestLen = -1;
  for (let k = 0; k < refLens.length; k++) {
    const refLen = refLens[k];
    const diff = Math.abs(hypLen - refLen);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = refLen;
    } else if (diff === closestDiff && refLen < closestLen) {
      closestLen = refLen;
    }
  }
  return closestLen;
}

/** Clipped n-gram matches of one hypothesis against references, for any token sequences. */
export interface MatchCounts {
  hypLen: number;
  refLens: number[];
  /** correct[n-1], total[n-1] for orders 1..maxOrder. */
  correct: number[];
  total: number[];
}

/**
 * Counts clipped matches between token sequences. One instance is reused for a whole corpus;
 * it keeps its interner, so token ids stay stable across segments.
 */
export class NgramMatcher {
  private interner = new Interner();
  private alphabet = new LocalAlphabet();
  private builder = new NgramKeyBuilder();
  private refTable = new CountTable(1024);
  private tmpTable = new CountTable(1024);
  private seqs: Int32Array[] = [];
  private keys = new NgramKeys();

  constructor(readonly maxOrder: number) {}

  private seq(k: number, len: number): Int32Array {
    let s = this.seqs[k];
    if (!s || s.length < len) {
      s = new Int32Array(Math.max(len, 64) * 2);
      this.seqs[k] = s;
    }
    return s;
  }

  /** Matches for `hyp` against `refs`; writes into `out` (correct/total arrays of length maxOrder). */
  match(hyp: readonly string[], refs: readonly (readonly string[])[], out: MatchCounts): void {
    const N = this.maxOrder;
    const alphabet = this.alphabet;
    alphabet.reset();
    // Local ids must cover the whole segment before the key base is fixed.
    const seqs: Int32Array[] = [];
    for (let r = 0; r <= refs.length; r++) {
      const toks = r < refs.length ? refs[r] : hyp;
      const s = this.seq(r, toks.length);
      for (let i = 0; i < toks.length; i++) s[i] = alphabet.id(this.interner.id(toks[i]));
      seqs.push(s);
    }
    this.builder.begin(alphabet.size, N);

    const table = this.refTable;
    const keys = this.keys;
    table.clear();
    out.refLens.length = 0;
    for (let r = 0; r < refs.length; r++) {
      const len = refs[r].length;
      out.refLens.push(len);
      this.builder.build(seqs[r], len, N, keys);
      const total = keys.start[N];
      if (refs.length === 1) {
        for (let i = 0; i < total; i++) table.add(keys.keys[i]);
      } else {
        const tmp = this.tmpTable;
        tmp.clear();
        for (let i = 0; i < total; i++) tmp.add(keys.keys[i]);
        tmp.forEach((key, count) => table.raiseTo(key, count));
      }
    }

    this.builder.build(seqs[refs.length], hyp.length, N, keys);
    out.hypLen = hyp.length;
    for (let n = 1; n <= N; n++) {
      const from = keys.start[n - 1];
      const to = keys.start[n];
      let c = 0;
      for (let i = from; i < to; i++) if (table.take(keys.keys[i])) c++;
      out.correct[n - 1] = c;
      out.total[n - 1] = to - from;
    }
  }
}

export function emptyMatchCounts(maxOrder: number): MatchCounts {
  return { hypLen: 0, refLens: [], correct: new Array(maxOrder).fill(0), total: new Array(maxOrder).fill(0) };
}
