/**
 * LLaMA-Factory-compatible BLEU-4 (its `ComputeSimilarity` / scripts/eval_bleu_rouge.py):
 * per example `sentence_bleu([list(label)], list(predict), smoothing_function=method3)` — the
 * tokens are the CHARACTERS of the text, whitespace included — times 100 and rounded to 4
 * decimals, then the plain mean over examples. With several references, all non-null ones are
 * passed to sentence_bleu (LLaMA-Factory itself has one label per example).
 *
 * LLaMA-Factory's ROUGE numbers come from jieba word segmentation + the rouge-chinese package;
 * jieba's dictionary segmentation is not reproduced here, so no "LLaMA-Factory ROUGE" is offered:
 * use rougeL with the han_char tokenizer for Chinese instead (documented in the metric cards).
 */
import { nltkSentenceBleu } from './nltk-bleu.ts';
import { pyRound } from '../text/python-text.ts';
import { checkCorpus, presentRefs, type SegmentRefs } from '../refs.ts';

export interface LlamaFactoryBleuResult {
  /** Mean over examples of the rounded per-example BLEU-4, 0–100. */
  score: number;
  /** Per-example BLEU-4 ×100 rounded to 4 decimals, as LLaMA-Factory stores them. */
  segments: number[];
}

function chars(s: string): string[] {
  return Array.from(s);
}

export function llamaFactoryBleu(hyps: readonly string[], refs: readonly SegmentRefs[]): LlamaFactoryBleuResult {
  checkCorpus(hyps, refs);
  const segments = hyps.map((h, i) => {
    const b = nltkSentenceBleu(presentRefs(refs[i]).map(chars), chars(h), { smoothing: 'method3' });
    return pyRound(b * 100, 4);
  });
  let sum = 0;
  for (const s of segments) sum += s;
  return { score: segments.length ? sum / segments.length : 0, segments };
}
