/**
 * Disjoint sets over row numbers 0..n-1 whose representative is always the smallest row of the
 * set: "keep the first row" is then just "keep the rows that are their own root".
 */
export class UnionFind {
  readonly parent: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(x: number): number {
    const p = this.parent;
    let r = x;
    while (p[r] !== r) r = p[r];
    while (p[x] !== r) {
      const next = p[x];
      p[x] = r;
      x = next;
    }
    return r;
  }

  /** Merges the sets of a and b; returns false when they were already one. */
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
    return true;
  }

  /** The root of every element (fully compressed). */
  roots(): Int32Array {
    const out = new Int32Array(this.parent.length);
    for (let i = 0; i < out.length; i++) out[i] = this.find(i);
    return out;
  }
}
