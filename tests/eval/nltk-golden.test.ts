/**
 * The LLaMA-Factory mode and the NLTK-compatible BLEU against numbers produced by NLTK 3.8 itself
 * (Debian python3-nltk) on every text of the eval fixtures: fixtures/nltk-golden.json, written by
 * fixtures/make-nltk-golden.py (run it with /usr/bin/python3 to regenerate; reviewed by eye).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { llamaFactoryBleu, nltkCorpusBleu } from '../../src/engine/eval/index.ts';
import { pySplit } from '../../src/engine/eval/text/python-text.ts';

interface Golden {
  nltk: string;
  llamafactory: { id: string; segments: { hyp: string; refs: string[]; bleu4: number; rounded: number }[] }[];
  corpus_words: { id: string; hyps: string[]; refs: string[][]; method0: number; method3: number }[];
}

const golden: Golden = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'nltk-golden.json'), 'utf8'));

describe('NLTK 3.8 golden numbers', () => {
  it('was produced by NLTK 3.8', () => expect(golden.nltk).toBe('3.8'));

  it('LLaMA-Factory BLEU-4: per example round(100·sentence_bleu(chars, method3), 4)', () => {
    let n = 0;
    for (const c of golden.llamafactory) {
      const res = llamaFactoryBleu(c.segments.map((s) => s.hyp), c.segments.map((s) => s.refs));
      c.segments.forEach((s, i) => expect(res.segments[i], `${c.id} ${i}`).toBe(s.rounded));
      const mean = c.segments.reduce((a, s) => a + s.rounded, 0) / c.segments.length;
      expect(res.score).toBeCloseTo(mean, 10);
      n += c.segments.length;
    }
    expect(n).toBe(80);
  });

  it('corpus_bleu on whitespace tokens, no smoothing and method3', () => {
    for (const c of golden.corpus_words) {
      const refs = c.refs.map((rs) => rs.map(pySplit));
      const hyps = c.hyps.map(pySplit);
      expect(Math.abs(nltkCorpusBleu(refs, hyps) - c.method0), `${c.id} method0`).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(nltkCorpusBleu(refs, hyps, { smoothing: 'method3' }) - c.method3), `${c.id} method3`).toBeLessThanOrEqual(1e-12);
    }
  });
});
