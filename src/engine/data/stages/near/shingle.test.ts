import { describe, expect, it } from 'vitest';
import { Shingler, ShingleStore } from './shingle.ts';

const shingles = (text: string | null, wordNgram = 3, charNgram = 3) => {
  const store = new ShingleStore();
  new Shingler({ wordNgram, charNgram }).add(text, store);
  return Array.from(store.data.subarray(0, store.length));
};

describe('shingles', () => {
  it('ignore case, punctuation and extra spaces (the common near-duplicate edits)', () => {
    const base = shingles('Where is my card? It has not arrived.');
    expect(base).toHaveLength(6); // 8 words → 6 word 3-grams
    expect(shingles('where is my card  it has not arrived')).toEqual(base);
    expect(shingles('WHERE IS MY CARD? IT HAS NOT ARRIVED!')).toEqual(base);
    expect(shingles('Where is my card? It has not arrived yet.')).not.toEqual(base);
  });

  it('use character n-grams for CJK text and word n-grams otherwise', () => {
    // 我最近失眠怎么办 has 8 characters: 6 character 3-grams; the punctuation is not a character of the text
    expect(shingles('我最近失眠怎么办？')).toHaveLength(6);
    expect(shingles('我最近失眠怎么办？', 3, 2)).toHaveLength(7);
    // mixed text counts as CJK: letters and digits are characters too
    expect(shingles('ORD-12 订单')).toHaveLength('ord12订单'.length - 2);
    expect(shingles('請問 Hello')).not.toEqual(shingles('Hello'));
  });

  it('give a short text one shingle and an empty text none', () => {
    expect(shingles('hi there')).toHaveLength(1);
    expect(shingles('hi there')).not.toEqual(shingles('hi'));
    expect(shingles('')).toHaveLength(0);
    expect(shingles(null)).toHaveLength(0);
    expect(shingles(' ?! ')).toHaveLength(0);
  });

  it('lower-cases non-ASCII text', () => {
    expect(shingles('ÉCOLE Über straße ok')).toEqual(shingles('école über straße ok'));
  });
});
