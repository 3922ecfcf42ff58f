/**
 * Property tests: parse() never throws and always answers — for arbitrary text, for arbitrary
 * token soup, and for valid samples with random deletions and insertions. check() and the
 * editor services never throw on whatever parse() returns.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProgram } from './check.ts';
import { completions } from './completion.ts';
import type { Facts } from './facts.ts';
import { format } from './format.ts';
import { hover } from './hover.ts';
import { parse } from './parse.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const samples = fs
  .readdirSync(path.join(ROOT, 'pipelines'))
  .filter((f) => f.endsWith('.ftp'))
  .map((f) => fs.readFileSync(path.join(ROOT, 'pipelines', f), 'utf8'));

const facts: Facts = { models: [{ name: 'tinystories-260k', arch: 'llama' }], datasets: {}, files: {}, sql: {} };

function answers(text: string): void {
  const r = parse(text);
  expect(r.ast.kind).toBe('Program');
  expect(Array.isArray(r.diagnostics)).toBe(true);
  for (const d of r.diagnostics) {
    expect(d.code).toMatch(/^[EW]\d{3}$/);
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeLessThanOrEqual(text.length);
    expect(d.span.start).toBeLessThanOrEqual(d.span.end);
  }
  // the checker tolerates any tree parse() builds
  const c = checkProgram(r.ast, facts, text);
  expect(Array.isArray(c.diagnostics)).toBe(true);
}

const WORDS = ['pipeline', 'dataset', 'stage', 'split', 'train', 'eval', 'filter', 'dedupe', 'near', 'exact', 'on', 'from', 'into', 'base', 'metrics', 'style', 'and', 'or', 'not', 'in', 'between', 'x', 'turns', 'intent', '{', '}', '[', ']', '(', ')', ',', '@', '->', '=', '>=', '-', '+', '"s"', 'r"\\d"', '"""q"""', '10%', '30m', '2e-4', '3', '#c\n', '\n', ' ', '`q`', 'sql', 'redact', 'email', 'sample', 'limit', 'map', 'roles', 'balance', 'by', 'cap', 'validate', 'workspace', 'format', 'seed', 'lora', 'method', 'rank', 'is', 'null', 'matches', 'like', 'true'];

describe('parse never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), answers), { numRuns: 400 });
  });

  it('on token soup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 80 }), (ws) => answers(ws.join(' '))),
      { numRuns: 400 }
    );
  });

  it('on valid samples with random deletions and insertions', () => {
    const edit = fc.record({
      sample: fc.integer({ min: 0, max: samples.length - 1 }),
      edits: fc.array(fc.record({ at: fc.nat(), del: fc.nat({ max: 12 }), ins: fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 4 })) }), { minLength: 1, maxLength: 4 })
    });
    fc.assert(
      fc.property(edit, ({ sample, edits }) => {
        let text = samples[sample];
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.ins + text.slice(at + e.del);
        }
        answers(text);
        // the editor services answer as well
        const at = edits[0].at % (text.length + 1);
        completions(text, at, facts);
        hover(text, at, facts);
        const f = format(text);
        if (f !== null) expect(parse(f).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      }),
      { numRuns: 250 }
    );
  });
});
