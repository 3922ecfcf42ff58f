/**
 * Reads hypothesis/reference pairs from JSON Lines: one object per line,
 *   {"hyp": "...", "refs": ["...", null, ...]}   (null = absent reference)
 * or the single-reference shorthand {"hyp": "...", "ref": "..."}. Blank lines are skipped.
 * Problems come back as values with file, line and field, all of them, not just the first.
 */
import type { SegmentRefs } from '../refs.ts';

export interface ScorePairs {
  hyps: string[];
  refs: SegmentRefs[];
  /** 1-based input line of each pair. */
  lines: number[];
}

export interface PairsIssue {
  file: string;
  line: number;
  field: string | null;
  message: string;
}

export function formatIssue(i: PairsIssue): string {
  return `${i.file}:${i.line}: ${i.field ? `field '${i.field}': ` : ''}${i.message}`;
}

/** Parses the text of a pairs file; stops collecting after `maxIssues` problems. */
export function parsePairsJsonl(text: string, file: string, maxIssues = 20): { pairs: ScorePairs; issues: PairsIssue[] } {
  const pairs: ScorePairs = { hyps: [], refs: [], lines: [] };
  const issues: PairsIssue[] = [];
  const rows = text.split('\n');
  for (let k = 0; k < rows.length && issues.length < maxIssues; k++) {
    const raw = rows[k].endsWith('\r') ? rows[k].slice(0, -1) : rows[k];
    if (raw.trim() === '') continue;
    const line = k + 1;
    const issue = (field: string | null, message: string) => issues.push({ file, line, field, message });
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      issue(null, `not valid JSON (${(e as Error).message})`);
      continue;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      issue(null, 'expected a JSON object like {"hyp": "...", "refs": ["..."]}');
      continue;
    }
    const o = obj as Record<string, unknown>;
    if (typeof o.hyp !== 'string') {
      issue('hyp', o.hyp === undefined ? 'missing (the hypothesis text)' : `expected a string, got ${describe(o.hyp)}`);
      continue;
    }
    let refs: (string | null)[];
    if (o.refs !== undefined) {
      if (!Array.isArray(o.refs)) {
        issue('refs', `expected an array of strings or nulls, got ${describe(o.refs)}`);
        continue;
      }
      const bad = o.refs.findIndex((r) => r !== null && typeof r !== 'string');
      if (bad >= 0) {
        issue(`refs[${bad}]`, `expected a string or null, got ${describe(o.refs[bad])}`);
        continue;
      }
      refs = o.refs as (string | null)[];
    } else if (o.ref !== undefined) {
      if (typeof o.ref !== 'string') {
        issue('ref', `expected a string, got ${describe(o.ref)}`);
        continue;
      }
      refs = [o.ref];
    } else {
      issue('refs', 'missing (an array of reference texts)');
      continue;
    }
    if (!refs.some((r) => typeof r === 'string')) {
      issue('refs', 'has no reference (every entry is null)');
      continue;
    }
    pairs.hyps.push(o.hyp);
    pairs.refs.push(refs);
    pairs.lines.push(line);
  }
  return { pairs, issues };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}
