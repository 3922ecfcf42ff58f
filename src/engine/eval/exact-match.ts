/**
 * Exact match: an output matches when it equals any of its (non-null) references after the chosen
 * normalisation. Defaults: trim and collapse whitespace runs (Python's whitespace set), keep case.
 */
import { pySplit } from './text/python-text.ts';
import { checkCorpus, presentRefs, type SegmentRefs } from './refs.ts';

export interface ExactMatchOptions {
  /** Trim and collapse whitespace; default true. */
  normalizeWhitespace?: boolean;
  /** Compare lower-cased; default false. */
  lowercase?: boolean;
}

export interface ExactMatchResult {
  /** Share of matching outputs, 0–1. */
  score: number;
  segments: boolean[];
}

export function exactMatch(hyps: readonly string[], refs: readonly SegmentRefs[], options?: ExactMatchOptions): ExactMatchResult {
  checkCorpus(hyps, refs);
  const ws = options?.normalizeWhitespace ?? true;
  const lc = options?.lowercase ?? false;
  const norm = (s: string) => {
    const t = ws ? pySplit(s).join(' ') : s;
    return lc ? t.toLowerCase() : t;
  };
  const segments = hyps.map((h, i) => {
    const nh = norm(h);
    return presentRefs(refs[i]).some((r) => norm(r) === nh);
  });
  return { score: segments.length ? segments.filter(Boolean).length / segments.length : 0, segments };
}
