import { describe, expect, it } from 'vitest';
import { NearIndex, type NearParams } from './cluster.ts';
import { UnionFind } from './union-find.ts';

const params: NearParams = { threshold: 0.8, wordNgram: 2, charNgram: 2, permutations: 128, bands: 16, rows: 8, seed: 1 };

const words = (seed: number, n: number) => Array.from({ length: n }, (_, i) => `w${(seed * 7919 + i * 104729) % 100003}`).join(' ');

describe('near-duplicate clusters', () => {
  it('group near duplicates under their first row and leave different texts alone', () => {
    const a = words(1, 40);
    const texts = [words(2, 40), a, words(3, 40), a.replace(/ (\S+)$/, ' changed'), '', '', a.toUpperCase() + '!', words(4, 40)];
    const index = new NearIndex(params);
    for (const t of texts) index.add(t);
    const c = index.cluster();
    expect(Array.from(c.root)).toEqual([0, 1, 2, 1, 4, 5, 1, 7]);
    expect(c.clusters).toBe(1);
    expect(c.duplicates).toBe(2);
    expect(c.empty).toBe(2); // empty texts are never near duplicates (of each other either)
    expect(c.similarity[3]).toBeGreaterThanOrEqual(0.9);
    expect(c.similarity[0]).toBe(0);
  });

  it('check every candidate with the exact Jaccard similarity: a pair below the threshold is not grouped', () => {
    const base = words(9, 10); // 9 word 2-grams
    const edited = base.split(' ').map((w, i) => (i === 5 ? 'x' : w)).join(' '); // 7 of 11 shared: J ≈ 0.64
    const index = new NearIndex({ ...params, bands: 64, rows: 2 }); // loose banding: they will be candidates
    index.add(base);
    index.add(edited);
    const c = index.cluster();
    expect(c.candidates).toBeGreaterThan(0);
    expect(c.duplicates).toBe(0);
  });

  it('addBlock (NUL-separated texts) gives the same result as add per row', () => {
    const texts = [words(5, 30), words(5, 30) + ' more', 'Éa ÉB', '中文的文本内容', ''];
    const one = new NearIndex(params);
    texts.forEach((t) => one.add(t));
    const block = new NearIndex(params);
    block.addBlock(texts.join('\0'), texts.length);
    expect(Array.from(block.cluster().root)).toEqual(Array.from(one.cluster().root));
  });

  it('union-find keeps the smallest row as the representative', () => {
    const uf = new UnionFind(6);
    uf.union(4, 2);
    uf.union(5, 4);
    uf.union(3, 1);
    expect(uf.union(2, 5)).toBe(false);
    expect(Array.from(uf.roots())).toEqual([0, 1, 2, 1, 2, 2]);
  });
});
