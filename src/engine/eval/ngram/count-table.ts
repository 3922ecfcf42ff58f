/**
 * A multiset of n-gram keys: open addressing over typed arrays, reused across segments.
 *
 * Keys are non-negative integers below 2^53 (an n-gram packed as base-B digits, see
 * ngram-keys.ts). `clear()` is O(1): a slot belongs to the table only when its stamp equals the
 * current generation. This is what makes corpus BLEU/chrF fast: no Map or string per n-gram.
 */
export class CountTable {
  private keys: Float64Array;
  private counts: Int32Array;
  private stamps: Uint32Array;
  private mask: number;
  private generation = 1;
  private used = 0;
  /** Slots in use this generation, in insertion order (for iteration). */
  private slots: Int32Array;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity) cap <<= 1;
    this.keys = new Float64Array(cap);
    this.counts = new Int32Array(cap);
    this.stamps = new Uint32Array(cap);
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.used;
  }

  clear(): void {
    this.used = 0;
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.stamps.fill(0);
      this.generation = 1;
    }
  }

  /** Slot of `key` (existing or the empty one where it would go). */
  private find(key: number): number {
    // Mix the low and high 32 bits; keys are exact integers so both parts are exact.
    const hi = (key / 4294967296) | 0;
    let h = Math.imul((key | 0) ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
    h ^= h >>> 15;
    const mask = this.mask;
    let i = h & mask;
    const keys = this.keys;
    const stamps = this.stamps;
    const gen = this.generation;
    while (stamps[i] === gen) {
      if (keys[i] === key) return i;
      i = (i + 1) & mask;
    }
    return i;
  }

  private claim(i: number, key: number, count: number): void {
    this.stamps[i] = this.generation;
    this.keys[i] = key;
    this.counts[i] = count;
    this.slots[this.used++] = i;
    if (this.used * 2 > this.mask) this.grow();
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldCounts = this.counts;
    const oldSlots = this.slots;
    const n = this.used;
    const cap = (this.mask + 1) * 2;
    this.keys = new Float64Array(cap);
    this.counts = new Int32Array(cap);
    this.stamps = new Uint32Array(cap);
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    this.generation = 1;
    this.used = 0;
    for (let s = 0; s < n; s++) {
      const j = oldSlots[s];
      const i = this.find(oldKeys[j]);
      this.stamps[i] = 1;
      this.keys[i] = oldKeys[j];
      this.counts[i] = oldCounts[j];
      this.slots[this.used++] = i;
    }
  }

  /** Adds one occurrence. */
  add(key: number): void {
    const i = this.find(key);
    if (this.stamps[i] === this.generation) this.counts[i]++;
    else this.claim(i, key, 1);
  }

  /** Raises the count of `key` to at least `count` (the per-n-gram maximum over references). */
  raiseTo(key: number, count: number): void {
    const i = this.find(key);
    if (this.stamps[i] === this.generation) {
      if (this.counts[i] < count) this.counts[i] = count;
    } else this.claim(i, key, count);
  }

  get(key: number): number {
    const i = this.find(key);
    return this.stamps[i] === this.generation ? this.counts[i] : 0;
  }

  /** Consumes one occurrence if any is left: summing `take` over a hypothesis gives Σ min(h, r). */
  take(key: number): boolean {
    const i = this.find(key);
    if (this.stamps[i] !== this.generation || this.counts[i] <= 0) return false;
    this.counts[i]--;
    return true;
  }

  /** Calls fn(key, count) for every key of this generation. */
  forEach(fn: (key: number, count: number) => void): void {
    for (let s = 0; s < this.used; s++) {
      const i = this.slots[s];
      fn(this.keys[i], this.counts[i]);
    }
  }
}
