/**
 * Packs n-grams into exact numeric keys so they can be counted in a CountTable.
 *
 * Per segment, the symbols (token ids or code points) that occur in the hypothesis and its
 * references get local ids 1..A. An n-gram is then the base-(A+1) number of its local ids —
 * unique and exact while (A+1)^maxOrder ≤ 2^53, and keys of different orders never collide
 * because the leading digit is never 0. For the rare segment with more distinct symbols
 * (a very long Chinese text under chrF's 6-grams), keys are built by interning
 * (key of the (n-1)-gram, next symbol) pairs instead: still exact, a little slower.
 */

/** Maps global symbol ids to dense per-segment ids 1..A. */
export class LocalAlphabet {
  private local = new Int32Array(1024);
  private stamp = new Uint32Array(1024);
  private generation = 1;
  size = 0;

  /** Starts a new segment: every symbol is new again. */
  reset(): void {
    this.size = 0;
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
  }

  id(symbol: number): number {
    if (symbol >= this.local.length) this.growTo(symbol + 1);
    if (this.stamp[symbol] === this.generation) return this.local[symbol];
    this.stamp[symbol] = this.generation;
    return (this.local[symbol] = ++this.size);
  }

  /** Rewrites `symbols` in place as local ids. */
  mapInPlace(symbols: Int32Array, length: number): void {
    for (let i = 0; i < length; i++) symbols[i] = this.id(symbols[i]);
  }

  private growTo(n: number): void {
    let cap = this.local.length;
    while (cap < n) cap *= 2;
    const local = new Int32Array(cap);
    local.set(this.local);
    const stamp = new Uint32Array(cap);
    stamp.set(this.stamp);
    this.local = local;
    this.stamp = stamp;
  }
}

/** The n-gram keys of one sequence, order-major: order n occupies keys[start[n-1] .. start[n]). */
export class NgramKeys {
  keys = new Float64Array(256);
  /** start[n-1] is where order n begins; start[maxOrder] is the total. */
  start = new Int32Array(16);
  maxOrder = 0;

  count(order: number): number {
    return this.start[order] - this.start[order - 1];
  }

  ensure(n: number): void {
    if (this.keys.length < n) {
      let cap = this.keys.length;
      while (cap < n) cap *= 2;
      this.keys = new Float64Array(cap);
    }
  }
}

const TWO_53 = 2 ** 53;

/** Builds keys for several sequences of one segment with one shared key scheme. */
export class NgramKeyBuilder {
  private base = 0;
  private pairIds = new Map<number, number>();
  private nextId = 0;
  private packed = true;

  /** Call once per segment after all of the segment's symbols went through the alphabet. */
  begin(alphabetSize: number, maxOrder: number): void {
    this.base = alphabetSize + 1;
    this.packed = Math.pow(this.base, maxOrder) <= TWO_53;
    if (!this.packed) {
      this.pairIds.clear();
      this.nextId = alphabetSize + 1;
    }
  }

  /** Fills `out` with the keys of orders 1..maxOrder of `seq[0..len)` (local ids). */
  build(seq: Int32Array, len: number, maxOrder: number, out: NgramKeys): void {
    let total = 0;
    for (let n = 1; n <= maxOrder; n++) total += Math.max(0, len - n + 1);
    out.ensure(total);
    out.maxOrder = maxOrder;
    const keys = out.keys;
    const start = out.start;
    start[0] = 0;
    // Order 1 is the symbols themselves.
    let w = 0;
    for (let i = 0; i < len; i++) keys[w++] = seq[i];
    start[1] = w;
    for (let n = 2; n <= maxOrder; n++) {
      const prev = start[n - 2];
      const count = len - n + 1;
      if (this.packed) {
        const b = this.base;
        for (let i = 0; i < count; i++) keys[w++] = keys[prev + i] * b + seq[i + n - 1];
      } else {
        for (let i = 0; i < count; i++) keys[w++] = this.pairId(keys[prev + i], seq[i + n - 1]);
      }
      start[n] = w;
    }
  }

  private pairId(prefix: number, symbol: number): number {
    const packedPair = prefix * 2097152 + symbol; // symbol < 2^21, prefix < 2^32
    let id = this.pairIds.get(packedPair);
    if (id === undefined) {
      id = this.nextId++;
      this.pairIds.set(packedPair, id);
    }
    return id;
  }
}
