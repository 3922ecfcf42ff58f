/**
 * ROUGE identical to rouge-score 0.1.2: `RougeScorer(types, use_stemmer).score(target, prediction)`
 * per segment, `score_multi` for several references (per ROUGE type, the reference with the
 * highest F-measure, first on ties), `split_summaries=False` for ROUGE-Lsum (sentences are the
 * non-empty lines of the text). Corpus figures are the plain arithmetic mean over segments.
 */
import { Interner } from '../ngram/interner.ts';
import { rougeTokenizer, type RougeTokenizer, type RougeTokenizerName } from '../tokenize/rouge-tokenizers.ts';
import { checkCorpus, presentRefs, type SegmentRefs } from '../refs.ts';
import { rougeL, rougeLsum, rougeN, ZERO_PRF, type PRF } from './rouge-score.ts';

/** rouge1 … rouge9, rougeL, rougeLsum. */
export type RougeType = `rouge${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}` | 'rougeL' | 'rougeLsum';

export const DEFAULT_ROUGE_TYPES: readonly RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

export function isRougeType(s: string): s is RougeType {
  return /^rouge[1-9]$/.test(s) || s === 'rougeL' || s === 'rougeLsum';
}

export interface RougeOptions {
  /** Default rouge1, rouge2, rougeL, rougeLsum. */
  types?: readonly RougeType[];
  /** 'default' (rouge-score's, ASCII only) or 'han_char' (one token per Han character). */
  tokenizer?: RougeTokenizerName;
  /** Porter stemming of tokens longer than 3 characters (NLTK 3.8); default false. */
  useStemmer?: boolean;
}

export type RougeScores = Partial<Record<RougeType, PRF>>;

export interface RougeCorpusResult {
  segments: RougeScores[];
  mean: RougeScores;
}

export interface RougeScorer {
  readonly types: readonly RougeType[];
  /** rouge-score's argument order: target (reference) first. */
  score(target: string, prediction: string): RougeScores;
  scoreMulti(targets: readonly string[], prediction: string): RougeScores;
}

/** A scorer that keeps its tokenizer, stem cache and token ids across calls. */
export function rougeScorer(options?: RougeOptions): RougeScorer {
  const types = options?.types ?? DEFAULT_ROUGE_TYPES;
  for (const t of types) if (!isRougeType(t)) throw new RangeError(`unknown ROUGE type '${t}'`);
  const tokenize: RougeTokenizer = rougeTokenizer(options?.tokenizer ?? 'default', options?.useStemmer ?? false);
  const ids = new Interner();
  const encode = (text: string): Int32Array => {
    const toks = tokenize(text);
    const out = new Int32Array(toks.length);
    for (let i = 0; i < toks.length; i++) out[i] = ids.id(toks[i]);
    return out;
  };
  const sentences = (text: string): Int32Array[] => text.split('\n').filter((s) => s.length > 0).map(encode);
  const needsTokens = types.some((t) => t !== 'rougeLsum');

  const score = (target: string, prediction: string): RougeScores => {
    const t = needsTokens ? encode(target) : null;
    const p = needsTokens ? encode(prediction) : null;
    const out: RougeScores = {};
    for (const type of types) {
      if (type === 'rougeL') out[type] = rougeL(t!, p!);
      else if (type === 'rougeLsum') out[type] = rougeLsum(sentences(target), sentences(prediction));
      else out[type] = rougeN(t!, p!, Number(type.slice(5)));
    }
    return out;
  };

  const scoreMulti = (targets: readonly string[], prediction: string): RougeScores => {
    const all = targets.map((t) => score(t, prediction));
    const out: RougeScores = {};
    for (const type of types) {
      let best = 0;
      for (let k = 1; k < all.length; k++) if (all[k][type]!.fmeasure > all[best][type]!.fmeasure) best = k;
      out[type] = all.length ? all[best][type] : { ...ZERO_PRF };
    }
    return out;
  };

  return { types, score, scoreMulti };
}

/** The arithmetic mean of per-segment P/R/F for each type. */
export function meanRouge(segments: readonly RougeScores[], types: readonly RougeType[]): RougeScores {
  const mean: RougeScores = {};
  for (const type of types) {
    let p = 0;
    let r = 0;
    let f = 0;
    for (const s of segments) {
      p += s[type]!.precision;
      r += s[type]!.recall;
      f += s[type]!.fmeasure;
    }
    const n = segments.length;
    mean[type] = n ? { precision: p / n, recall: r / n, fmeasure: f / n } : { ...ZERO_PRF };
  }
  return mean;
}

/** Scores every segment (refs[i] = references of segment i) and averages. */
export function corpusRouge(hyps: readonly string[], refs: readonly SegmentRefs[], options?: RougeOptions): RougeCorpusResult {
  checkCorpus(hyps, refs);
  const scorer = rougeScorer(options);
  const segments = hyps.map((h, i) => {
    const targets = presentRefs(refs[i]);
    return targets.length === 1 ? scorer.score(targets[0], h) : scorer.scoreMulti(targets, h);
  });
  return { segments, mean: meanRouge(segments, scorer.types) };
}
