/**
 * The upstream test vectors of sacreBLEU 2.6.0 and rouge-score 0.1.2, copied as data into the
 * eval-fixtures README ("Upstream cases"). Each row's options (written in Python) are mapped to
 * the equivalent call here, and the result must equal `computed_here` — what the reference
 * set-up returned — within 1e-9 (exact for counts). Rows the set-up could not recompute
 * (computed_here = null) are skipped; the test checks there are exactly two.
 */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { describeShared, shared, sharedAvailable } from '../support/shared.ts';
import {
  bleuFromStats,
  corpusBleu,
  corpusChrf,
  fromStreams,
  rougeScorer,
  rougeTokenizer,
  sentenceBleu,
  sentenceChrf,
  type BleuOptions,
  type BleuSmoothing,
  type RougeType
} from '../../src/engine/eval/index.ts';
import { lcsIndices, lcsLength } from '../../src/engine/eval/rouge/lcs.ts';
import { rougeLsum } from '../../src/engine/eval/rouge/rouge-score.ts';

interface Row {
  source: string;
  metric: string;
  options: string;
  hyps?: string[];
  refs?: (string | null)[][];
  target?: string;
  prediction?: string;
  computed_here: unknown;
}

function rows(): Row[] {
  if (!sharedAvailable) return [];
  const md = fs.readFileSync(shared('eval-fixtures', 'README.md'), 'utf8');
  const block = md.split('```jsonl')[1].split('```')[0];
  return block.trim().split('\n').map((l) => JSON.parse(l) as Row);
}

/** Python keyword arguments in an options string, e.g. smooth_method='floor' → {smooth_method: 'floor'}. */
function kwargs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/(\w+)=('[^']*'|[\w.-]+)/g)) out[m[1]] = m[2].replace(/^'|'$/g, '');
  return out;
}

const num = (v: string | undefined) => (v === undefined || v === 'None' ? null : Number(v));

/** BLEU options for the sacreBLEU call written in the row. */
function bleuOptions(o: string): { opts: BleuOptions; over100: boolean } {
  const over100 = o.includes('expected is score/100');
  if (o.startsWith('raw_corpus_bleu')) {
    // raw_corpus_bleu = corpus_bleu(tokenize='none', smooth_method='floor', use_effective_order=True)
    const v = /smooth_value=([\d.]+)/.exec(o);
    return { opts: { tokenize: 'none', smooth: 'floor', smoothValue: v ? Number(v[1]) : null, effectiveOrder: true }, over100 };
  }
  const extra = /\+ (\{.*\})/.exec(o);
  const k = extra ? (JSON.parse(extra[1]) as Record<string, string>) : kwargs(o);
  const opts: BleuOptions = {};
  if (k.tokenize) opts.tokenize = k.tokenize as BleuOptions['tokenize'];
  if (k.smooth_method) opts.smooth = k.smooth_method as BleuSmoothing;
  if (k.smooth_value !== undefined) opts.smoothValue = num(k.smooth_value);
  if (k.lowercase) opts.lowercase = k.lowercase === 'True';
  if (k.max_ngram_order) opts.maxNgramOrder = Number(k.max_ngram_order);
  return { opts, over100 };
}

/** Computes what the row's Python call computes. */
function compute(r: Row): unknown {
  const o = r.options;
  switch (r.metric) {
    case 'corpus_bleu': {
      const { opts, over100 } = bleuOptions(o);
      const s = corpusBleu(r.hyps!, fromStreams(r.refs!), opts).score;
      return over100 ? s / 100 : s;
    }
    case 'corpus_bleu statistics': {
      const b = corpusBleu(r.hyps!, fromStreams(r.refs!), bleuOptions(o).opts);
      return { counts: b.counts, totals: b.totals };
    }
    case 'BLEU.compute_bleu': {
      const arr = (name: string) => JSON.parse(new RegExp(`${name}=(\\[[^\\]]*\\])`).exec(o)![1]) as number[];
      const k = kwargs(o);
      const correct = arr('correct');
      const total = arr('total');
      const stats = [Number(k.sys_len), Number(k.ref_len), ...correct, ...total];
      const s = bleuFromStats(stats, { smooth: k.smooth_method as BleuSmoothing, smoothValue: num(k.smooth_value), effectiveOrder: false, maxNgramOrder: 4 }).score;
      return o.includes('score/100') ? s / 100 : s;
    }
    case 'sentence_bleu': {
      const k = kwargs(o);
      const opts: BleuOptions = { tokenize: k.tokenize as BleuOptions['tokenize'], smooth: k.smooth_method as BleuSmoothing, smoothValue: num(k.smooth_value), lowercase: k.lowercase === 'True', effectiveOrder: k.effective_order === 'True' };
      return sentenceBleu(r.hyps![0], r.refs!.map((s) => s[0]), opts).score;
    }
    case 'sentence_chrf':
      return sentenceChrf(r.hyps![0], r.refs!.map((s) => s[0]), { epsSmoothing: o.includes('eps_smoothing=True') }).score;
    case 'corpus_chrf': {
      const k = kwargs(o);
      return corpusChrf(r.hyps!, fromStreams(r.refs!), {
        charOrder: Number(k.char_order),
        wordOrder: Number(k.word_order),
        beta: Number(k.beta),
        epsSmoothing: k.eps_smoothing === 'True',
        whitespace: k.remove_whitespace === 'False'
      }).score;
    }
    case 'summary-level LCS':
      return rougeLsum([[1, 2, 3, 4, 5]], [[1, 2, 6, 7, 8], [1, 3, 8, 9, 5]]);
    case 'LCS':
      expect(lcsLength([1, 2, 3, 4, 5], [8, 9])).toBe(0);
      return { lcs_len: lcsLength([1, 2, 3, 4, 5], [2, 5, 3, 4]), indices: lcsIndices([1, 2, 3, 4, 5], [2, 5, 3, 4]) };
    case 'tokenize':
      return rougeTokenizer('default', o.includes('use_stemmer=True'))(r.target!);
    default:
      return computeRouge(r);
  }
}

function computeRouge(r: Row): unknown {
  const o = r.options;
  const stem = o.includes('use_stemmer=True');
  if (o.startsWith('score_multi(')) {
    const [targets, prediction] = JSON.parse(`[${o.slice('score_multi('.length, -1)}]`) as [string[], string];
    const types = r.metric.split(' ')[0].split('/') as RougeType[];
    const res = rougeScorer({ types }).scoreMulti(targets, prediction);
    return types.length === 1 ? res[types[0]] : Object.fromEntries(types.map((t) => [t, res[t]!.fmeasure]));
  }
  const [type, field] = r.metric.split(' ') as [RougeType, string | undefined];
  const res = rougeScorer({ types: [type], useStemmer: stem }).score(r.target!, r.prediction!)[type]!;
  return field === 'fmeasure' ? res.fmeasure : res;
}

function expectClose(got: unknown, want: unknown, where: string): void {
  if (typeof want === 'number') {
    expect(typeof got, where).toBe('number');
    expect(Math.abs((got as number) - want), `${where}: ${String(got)} vs ${want}`).toBeLessThanOrEqual(1e-9);
  } else if (Array.isArray(want)) {
    expect(got, where).toEqual(want);
  } else if (want && typeof want === 'object') {
    for (const [k, v] of Object.entries(want)) expectClose((got as Record<string, unknown>)[k], v, `${where}.${k}`);
  } else expect(got, where).toEqual(want);
}

describeShared('eval fixtures: upstream sacreBLEU / rouge-score test vectors', () => {
  const all = rows();
  it('has the 107 rows, 2 of them not recomputable', () => {
    expect(all.length).toBe(107);
    expect(all.filter((r) => r.computed_here === null).length).toBe(2);
  });
  all.forEach((r, i) => {
    if (r.computed_here === null) return;
    it(`${i + 1}: ${r.metric} — ${r.options.slice(0, 70)}`, () => expectClose(compute(r), r.computed_here, r.source));
  });
});
