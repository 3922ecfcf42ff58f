/**
 * Near-duplicate clusters of a text column: shingles → MinHash signatures → LSH candidate pairs →
 * exact Jaccard check of each candidate (so precision does not depend on the MinHash estimate) →
 * union-find. Each cluster is represented by its first row.
 *
 *   const index = new NearIndex(params);
 *   for (const text of texts) index.add(text);      // in input order; row i = i-th text
 *   const clusters = index.cluster(signal);
 */
import { minHasher, permutations, type MinHasher } from './minhash.ts';
import { bandKeys, forEachCandidate } from './lsh.ts';
import { Shingler, ShingleStore } from './shingle.ts';

const NON_ASCII = /[^\x00-\x7f]/;
import { UnionFind } from './union-find.ts';

export interface NearParams {
  threshold: number;
  wordNgram: number;
  charNgram: number;
  permutations: number;
  bands: number;
  rows: number;
  seed: number;
}

export interface Clusters {
  rows: number;
  /** The first row of each row's cluster (itself for rows without near duplicates). */
  root: Int32Array;
  /** Highest verified Jaccard similarity of an edge that joined the row to its cluster (0: none). */
  similarity: Float32Array;
  /** Candidate pairs the LSH proposed and that were checked (pairs already joined are not). */
  candidates: number;
  /** Candidate pairs at or above the threshold. */
  matched: number;
  /** Clusters with two or more rows, and rows in them that are not the first. */
  clusters: number;
  duplicates: number;
  /** Rows without any shingle (empty text): never near duplicates. */
  empty: number;
  engine: string;
  timings_ms: { shingle_minhash: number; lsh_verify: number };
}

const BATCH = 4096;

export class NearIndex {
  private store = new ShingleStore();
  private offsets = new Int32Array(1 << 14);
  private keys = new Int32Array(1 << 14);
  private n = 0;
  private pending = 0;
  private readonly shingler: Shingler;
  private readonly hasher: MinHasher;
  private readonly sig: Int32Array;
  private hashMs = 0;

  constructor(readonly params: NearParams, opts: { forceJs?: boolean } = {}) {
    if (params.bands * params.rows > params.permutations) throw new Error(`LSH bands × rows (${params.bands} × ${params.rows}) exceed the ${params.permutations} permutations`);
    this.shingler = new Shingler({ wordNgram: params.wordNgram, charNgram: params.charNgram });
    this.hasher = minHasher(permutations(params.permutations, params.seed), opts);
    this.sig = new Int32Array(BATCH * params.permutations);
  }

  get size(): number {
    return this.n;
  }

  /** Adds one row. */
  add(text: string | null): void {
    this.beginRow();
    this.shingler.add(text, this.store);
    this.endRow();
  }

  /**
   * Adds `rows` rows given as one string with the texts separated by NUL characters (how
   * read-texts.ts fetches them: one string per block instead of one per row).
   */
  addBlock(block: string, rows: number): void {
    const t0 = performance.now();
    const ascii = !NON_ASCII.test(block);
    const t = ascii ? block : block.toLowerCase();
    let start = 0;
    for (let r = 0; r < rows; r++) {
      let end = t.indexOf('\0', start);
      if (end < 0) end = t.length;
      this.beginRow();
      if (end > start) this.shingler.addRange(t, start, end, ascii, this.store);
      this.endRow();
      start = end + 1;
    }
    this.hashMs += performance.now() - t0;
  }

  private beginRow(): void {
    if (this.n + 2 > this.offsets.length) {
      const o = new Int32Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
    }
    this.offsets[this.n] = this.store.length;
  }

  private endRow(): void {
    this.n++;
    this.offsets[this.n] = this.store.length;
    if (++this.pending === BATCH) this.flush();
  }

  /** Signatures and band keys of the rows added since the last flush. */
  private flush(): void {
    const count = this.pending;
    if (!count) return;
    const first = this.n - count;
    const { bands, rows, permutations: P } = this.params;
    const need = this.n * bands;
    if (this.keys.length < need) {
      let cap = this.keys.length;
      while (cap < need) cap *= 2;
      const k = new Int32Array(cap);
      k.set(this.keys);
      this.keys = k;
    }
    this.hasher.hash(this.store.data, this.offsets.subarray(first, this.n + 1), count, this.sig);
    bandKeys(this.sig, count, P, bands, rows, this.keys, first);
    this.pending = 0;
  }

  cluster(signal?: AbortSignal): Clusters {
    this.flush();
    const t0 = performance.now();
    const n = this.n;
    const { offsets, store } = this;
    const data = store.data;
    const empty = new Uint8Array(n);
    let emptyRows = 0;
    for (let i = 0; i < n; i++) if (offsets[i] === offsets[i + 1]) (empty[i] = 1), emptyRows++;
    // sorted-unique shingle sets, made on first use (only candidate rows need them)
    const uniqueLen = new Int32Array(n).fill(-1);
    const sortedSet = (i: number): number => {
      if (uniqueLen[i] >= 0) return uniqueLen[i];
      const from = offsets[i];
      const len = offsets[i + 1] - from;
      if (len > 48) data.subarray(from, from + len).sort();
      else
        for (let k = from + 1; k < from + len; k++) {
          const v = data[k];
          let j = k - 1;
          while (j >= from && data[j] > v) data[j + 1] = data[j--];
          data[j + 1] = v;
        }
      let u = 0;
      for (let k = 0; k < len; k++) if (k === 0 || data[from + k] !== data[from + k - 1]) data[from + u++] = data[from + k];
      uniqueLen[i] = u;
      return u;
    };
    const jaccard = (i: number, j: number): number => {
      const li = sortedSet(i);
      const lj = sortedSet(j);
      let a = offsets[i];
      let b = offsets[j];
      const ea = a + li;
      const eb = b + lj;
      let inter = 0;
      while (a < ea && b < eb) {
        const x = data[a];
        const y = data[b];
        if (x === y) inter++, a++, b++;
        else if (x < y) a++;
        else b++;
      }
      return inter / (li + lj - inter);
    };
    const uf = new UnionFind(n);
    const similarity = new Float32Array(n);
    let candidates = 0;
    let matched = 0;
    let checks = 0;
    const threshold = this.params.threshold;
    forEachCandidate(this.keys, n, this.params.bands, empty, (i, j) => {
      if ((++checks & 0xffff) === 0) signal?.throwIfAborted();
      if (uf.find(i) === uf.find(j)) return;
      candidates++;
      const sim = jaccard(i, j);
      if (sim + 1e-9 < threshold) return;
      matched++;
      uf.union(i, j);
      if (sim > similarity[i]) similarity[i] = sim;
      if (sim > similarity[j]) similarity[j] = sim;
    });
    const root = uf.roots();
    let duplicates = 0;
    let clusters = 0;
    const sizes = new Int32Array(n);
    for (let i = 0; i < n; i++) sizes[root[i]]++;
    for (let i = 0; i < n; i++) {
      if (root[i] !== i) duplicates++;
      else if (sizes[i] > 1) clusters++;
    }
    return {
      rows: n,
      root,
      similarity,
      candidates,
      matched,
      clusters,
      duplicates,
      empty: emptyRows,
      engine: this.hasher.engine,
      timings_ms: { shingle_minhash: Math.round(this.hashMs), lsh_verify: Math.round(performance.now() - t0) }
    };
  }
}
