import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format } from './format.ts';
import { parse } from './parse.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (dir: string) =>
  fs
    .readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.ftp'))
    .map((f) => ({ name: `${dir}/${f}`, text: fs.readFileSync(path.join(ROOT, dir, f), 'utf8') }));
const samples = read('pipelines');
const golden = read('tests/dsl/golden');

/** The AST without positions: what formatting must not change. */
function shape(text: string): unknown {
  const { ast } = parse(text);
  return JSON.parse(JSON.stringify(ast, (k, v) => (k === 'span' || k === 'head' || k === 'opSpan' || k === 'listSpan' ? undefined : v)));
}

describe('format', () => {
  for (const s of [...samples, ...golden]) {
    const ok = parse(s.text).diagnostics.every((d) => d.severity !== 'error');
    it(`${s.name}: ${ok ? 'same AST after formatting, and formatting is idempotent' : 'left alone (syntax errors)'}`, () => {
      const f = format(s.text);
      if (!ok) {
        expect(f).toBeNull();
        return;
      }
      expect(f).not.toBeNull();
      expect(shape(f!)).toEqual(shape(s.text));
      expect(format(f!)).toBe(f);
    });
  }

  it('the samples are already canonical', () => {
    for (const s of samples) expect(format(s.text), s.name).toBe(s.text);
  });

  it('normalises spacing and indentation, keeps line breaks and comments', () => {
    const messy = 'pipeline   p  # name\ndataset t from workspace support @ 2\n\n\n\nstage s from t{\nfilter turns>=2 and x==3   # keep\n     dedupe exact on [ a ,b ]  dedupe near on user_text threshold 0.8\n}\ntrain m from s { base "x" epochs 3\nlearning_rate 2e-4 }\n';
    expect(format(messy)).toBe(
      'pipeline p  # name\ndataset t from workspace support@2\n\nstage s from t {\n  filter turns >= 2 and x = 3  # keep\n  dedupe exact on [a, b]\n  dedupe near on user_text threshold 0.8\n}\ntrain m from s {\n  base "x" epochs 3\n  learning_rate 2e-4\n}\n'
    );
  });

  it('keeps a one-line block on one line and indents continuation lines', () => {
    expect(format('pipeline p\neval [m] on t { metrics bleu\n}\nsplit t into a 50%,\nb 50%\n')).toBe('pipeline p\neval [m] on t {\n  metrics bleu\n}\nsplit t into a 50%,\n  b 50%\n');
    expect(format('pipeline p\neval [m] on t {\n  style f {  min_tokens 3  }\n}\n')).toBe('pipeline p\neval [m] on t {\n  style f { min_tokens 3 }\n}\n');
  });

  it('tells unary from binary minus', () => {
    expect(format('pipeline p\nstage s from t {\n  filter - turns < -1 and a-1 > - - b\n}\n')).toBe('pipeline p\nstage s from t {\n  filter -turns < -1 and a - 1 > - -b\n}\n');
  });

  it('round-trips arbitrary re-spacing of the samples', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: samples.length - 1 }), fc.array(fc.constantFrom(' ', '  ', '\t', ''), { minLength: 50, maxLength: 50 }), (i, pads) => {
        const { tokens } = parse(samples[i].text);
        // re-join the tokens with random horizontal space (line breaks kept as in the source)
        let out = '';
        let prevEnd = 0;
        tokens.forEach((t, k) => {
          const gap = samples[i].text.slice(prevEnd, t.startOffset);
          out += (gap.includes('\n') ? gap : pads[k % pads.length] || (gap ? ' ' : '')) + t.image;
          prevEnd = t.endOffset! + 1;
        });
        const f = format(out);
        if (f === null) return; // the random spacing glued two tokens into one: not a formatting question
        expect(shape(f)).toEqual(shape(out));
      }),
      { numRuns: 60 }
    );
  });
});
