/**
 * Every case of ../shared/eval-fixtures/metrics.json (numbers produced by sacreBLEU 2.6.0,
 * rouge-score 0.1.2 and NLTK 3.8 themselves). Integers must match exactly; floats within the
 * README's tolerances (1e-9 on BLEU/chrF's 0–100 scale, 1e-12 on ROUGE's 0–1), far inside the
 * issue's 0.01. Tokenizer outputs are compared too, so a tokenizer bug shows as itself.
 */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { describeShared, shared, sharedAvailable } from '../support/shared.ts';
import {
  BLEU_TOKENIZERS,
  bleuTokens,
  corpusBleu,
  corpusChrf,
  corpusRouge,
  fromStreams,
  porterStem,
  rougeTokenizer,
  sentenceBleus,
  sentenceChrfs,
  type BleuTokenizerName,
  type RougeTokenizerName,
  type RougeType
} from '../../src/engine/eval/index.ts';
import { pySplit } from '../../src/engine/eval/text/python-text.ts';

interface BleuFixture {
  score: number;
  counts: number[];
  totals: number[];
  precisions: number[];
  bp: number;
  sys_len: number;
  ref_len: number;
}
interface PRF {
  precision: number;
  recall: number;
  fmeasure: number;
}
interface Case {
  id: string;
  hyps: string[];
  refs: (string | null)[][];
  sacrebleu: {
    bleu: Record<string, { corpus: BleuFixture; signature: string; sentence: BleuFixture[] }>;
    chrf: { corpus: { score: number; stats: number[][] }; signature: string; sentence: { score: number }[] };
    chrfpp: { corpus: { score: number; stats: number[][] }; signature: string; sentence: { score: number }[] };
  };
  rouge_score: Record<string, Record<string, { mean: Record<string, PRF>; segments: Record<string, PRF>[] }>>;
  tokens: {
    sacrebleu: Record<string, { hyps: string[]; refs: (string | null)[][] }>;
    rouge_score: Record<string, { hyps: string[][]; refs: (string[] | null)[][] }>;
  };
}

const fixtures: { cases: Case[]; porter_stems: Record<string, string> } = sharedAvailable
  ? JSON.parse(fs.readFileSync(shared('eval-fixtures', 'metrics.json'), 'utf8'))
  : { cases: [], porter_stems: {} };

const BLEU_TOL = 1e-9;
const ROUGE_TOL = 1e-12;

function expectBleu(got: BleuFixture, want: BleuFixture, where: string) {
  expect(got.counts, `${where} counts`).toEqual(want.counts);
  expect(got.totals, `${where} totals`).toEqual(want.totals);
  expect(got.sys_len, `${where} sys_len`).toBe(want.sys_len);
  expect(got.ref_len, `${where} ref_len`).toBe(want.ref_len);
  expect(Math.abs(got.score - want.score), `${where} score ${got.score} vs ${want.score}`).toBeLessThanOrEqual(BLEU_TOL);
  expect(Math.abs(got.bp - want.bp), `${where} bp`).toBeLessThanOrEqual(1e-12);
  got.precisions.forEach((p, k) => expect(Math.abs(p - want.precisions[k]), `${where} precision ${k + 1}`).toBeLessThanOrEqual(BLEU_TOL));
}

function bleuSetting(T: string): { tokenize: BleuTokenizerName; lowercase: boolean } {
  return T === '13a-lc' ? { tokenize: '13a', lowercase: true } : { tokenize: T as BleuTokenizerName, lowercase: false };
}

describeShared('eval fixtures: sacreBLEU BLEU', () => {
  for (const c of fixtures.cases) {
    it(c.id, () => {
      const refs = fromStreams(c.refs);
      for (const [T, want] of Object.entries(c.sacrebleu.bleu)) {
        const o = bleuSetting(T);
        const corpus = corpusBleu(c.hyps, refs, o);
        expectBleu(corpus, want.corpus, `${T} corpus`);
        expect(corpus.signature).toBe(want.signature);
        const sentences = sentenceBleus(c.hyps, refs, o);
        want.sentence.forEach((w, i) => expectBleu(sentences[i], w, `${T} sentence ${i}`));
      }
    });
  }
});

describeShared('eval fixtures: sacreBLEU chrF / chrF++', () => {
  for (const c of fixtures.cases) {
    it(c.id, () => {
      const refs = fromStreams(c.refs);
      for (const [key, wordOrder] of [['chrf', 0], ['chrfpp', 2]] as const) {
        const want = c.sacrebleu[key];
        const got = corpusChrf(c.hyps, refs, { wordOrder });
        expect(Math.abs(got.score - want.corpus.score), `${key} corpus`).toBeLessThanOrEqual(BLEU_TOL);
        expect(got.stats, `${key} stats`).toEqual(want.corpus.stats);
        expect(got.signature).toBe(want.signature);
        const s = sentenceChrfs(c.hyps, refs, { wordOrder });
        want.sentence.forEach((w, i) => expect(Math.abs(s[i].score - w.score), `${key} sentence ${i}`).toBeLessThanOrEqual(BLEU_TOL));
      }
    });
  }
});

describeShared('eval fixtures: rouge-score', () => {
  for (const c of fixtures.cases) {
    it(c.id, () => {
      const refs = fromStreams(c.refs);
      for (const [K, byStem] of Object.entries(c.rouge_score)) {
        for (const [S, want] of Object.entries(byStem)) {
          const got = corpusRouge(c.hyps, refs, { tokenizer: K as RougeTokenizerName, useStemmer: S === 'stem' });
          const cmp = (g: Partial<Record<RougeType, PRF>>, w: Record<string, PRF>, where: string) => {
            for (const [t, prf] of Object.entries(w)) {
              for (const f of ['precision', 'recall', 'fmeasure'] as const) {
                expect(Math.abs(g[t as RougeType]![f] - prf[f]), `${K}/${S} ${where} ${t}.${f}`).toBeLessThanOrEqual(ROUGE_TOL);
              }
            }
          };
          cmp(got.mean, want.mean, 'mean');
          want.segments.forEach((w, i) => cmp(got.segments[i], w, `segment ${i}`));
        }
      }
    });
  }
});

describeShared('eval fixtures: tokenizer outputs', () => {
  it('sacreBLEU tokenizers give the fixture token strings', () => {
    let compared = 0;
    for (const c of fixtures.cases) {
      for (const [T, want] of Object.entries(c.tokens.sacrebleu)) {
        const o = bleuSetting(T);
        // The fixture holds the tokenized line; BLEU counts over its whitespace split.
        c.hyps.forEach((h, i) => expect(bleuTokens(h, o), `${c.id} ${T} hyp ${i}`).toEqual(pySplit(want.hyps[i])));
        want.refs.forEach((stream, k) =>
          stream.forEach((r, i) => {
            if (r === null) return;
            compared++;
            expect(bleuTokens(c.refs[k][i]!, o), `${c.id} ${T} ref ${k}/${i}`).toEqual(pySplit(r));
          })
        );
      }
    }
    expect(compared).toBeGreaterThan(300);
    expect(Object.keys(BLEU_TOKENIZERS)).toEqual(expect.arrayContaining(['13a', 'zh', 'intl', 'char', 'none']));
  });

  it('rouge-score tokenizers give the fixture token lists', () => {
    const kinds: Record<string, [RougeTokenizerName, boolean]> = {
      default: ['default', false],
      default_stem: ['default', true],
      han_char: ['han_char', false],
      han_char_stem: ['han_char', true]
    };
    for (const c of fixtures.cases) {
      for (const [kind, want] of Object.entries(c.tokens.rouge_score)) {
        const tok = rougeTokenizer(...kinds[kind]);
        c.hyps.forEach((h, i) => expect(tok(h), `${c.id} ${kind} hyp ${i}`).toEqual(want.hyps[i]));
        want.refs.forEach((stream, k) => stream.forEach((r, i) => r && expect(tok(c.refs[k][i]!), `${c.id} ${kind} ref ${k}/${i}`).toEqual(r)));
      }
    }
  });
});

describeShared('eval fixtures: NLTK 3.8 Porter stems', () => {
  it('stems all 571 words exactly', () => {
    const entries = Object.entries(fixtures.porter_stems);
    expect(entries.length).toBe(571);
    const wrong = entries.filter(([w, s]) => porterStem(w) !== s).map(([w, s]) => `${w}: want ${s}, got ${porterStem(w)}`);
    expect(wrong).toEqual([]);
  });
});
