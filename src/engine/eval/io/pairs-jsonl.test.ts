import { describe, expect, it } from 'vitest';
import { formatIssue, parsePairsJsonl } from './pairs-jsonl.ts';

describe('pairs JSONL', () => {
  it('reads refs arrays (with nulls), the ref shorthand and CRLF; skips blank lines', () => {
    const { pairs, issues } = parsePairsJsonl('{"hyp":"a","refs":["b",null]}\r\n\n{"hyp":"c","ref":"d"}\n', 'in.jsonl');
    expect(issues).toEqual([]);
    expect(pairs).toEqual({ hyps: ['a', 'c'], refs: [['b', null], ['d']], lines: [1, 3] });
  });
  it('collects every problem with its line and field', () => {
    const { issues } = parsePairsJsonl('[1]\n{"hyp":"a","refs":"b"}\n{"hyp":"a","ref":5}\n{"refs":["x"]}', 'f.jsonl');
    expect(issues.map(formatIssue)).toEqual([
      'f.jsonl:1: expected a JSON object like {"hyp": "...", "refs": ["..."]}',
      "f.jsonl:2: field 'refs': expected an array of strings or nulls, got string \"b\"",
      "f.jsonl:3: field 'ref': expected a string, got number 5",
      "f.jsonl:4: field 'hyp': missing (the hypothesis text)"
    ]);
  });
});
