import { describe, expect, it } from 'vitest';
import { checkCorpus, fromStreams, MetricInputError } from './refs.ts';
import { corpusBleu, sentenceBleu } from './bleu/bleu.ts';
import { corpusChrf } from './chrf/chrf.ts';
import { corpusRouge } from './rouge/rouge.ts';

describe('references', () => {
  it('fromStreams transposes sacreBLEU’s stream layout', () => {
    expect(fromStreams([['a1', 'b1'], ['a2', null]])).toEqual([['a1', 'a2'], ['b1', null]]);
  });
  it('every metric refuses a segment without any reference, naming the segment', () => {
    const refs = [['x'], [null, null]];
    for (const f of [() => corpusBleu(['x', 'y'], refs), () => corpusChrf(['x', 'y'], refs), () => corpusRouge(['x', 'y'], refs)]) {
      expect(f).toThrow(MetricInputError);
      expect(f).toThrow(/segment 2: no reference/);
    }
    expect(() => checkCorpus(['a'], [])).toThrow(/1 hypotheses but 0 reference sets/);
  });
  it('null references are absent (nrefs:var), "" is a real empty reference', () => {
    expect(corpusBleu(['a b c d e', 'f g'], [['a b c d e', null], ['f g', 'f h']]).signature).toMatch(/^nrefs:var\|/);
    const empty = sentenceBleu('a b', ['']);
    expect(empty.ref_len).toBe(0);
    expect(empty.score).toBe(0);
  });
});
