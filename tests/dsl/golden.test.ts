/**
 * Golden diagnostics: each tests/dsl/golden/*.ftp is one error case. Its first line names the
 * codes it is about (`# E021: ...`); the rendered diagnostics are kept as comments after the
 * EXPECTED marker at the end of the file. UPDATE_GOLDEN=1 rewrites those comments (review the
 * diff by eye before committing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES, renderDiagnostics } from '../../dsl/index.ts';
import { checkFixture } from './fixture-facts.ts';

const DIR = path.join(import.meta.dirname, 'golden');
const MARKER = '# ---- expected diagnostics (UPDATE_GOLDEN=1 rewrites below) ----';
const update = process.env.UPDATE_GOLDEN === '1';
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.ftp')).sort();

function split(text: string): { source: string; expected: string | null } {
  const at = text.indexOf(`\n${MARKER}\n`);
  if (at === -1) return { source: text, expected: null };
  const block = text.slice(at + MARKER.length + 2);
  return { source: text.slice(0, at + 1), expected: block.split('\n').filter((l) => l.startsWith('#')).map((l) => l.replace(/^# ?/, '')).join('\n') };
}

async function render(file: string, source: string): Promise<string> {
  const { result } = await checkFixture(source);
  return result.diagnostics.length ? renderDiagnostics(result.diagnostics, source, file) : '(no diagnostics)';
}

describe('golden diagnostics', () => {
  it('has at least 45 cases and one for every code', () => {
    expect(files.length).toBeGreaterThanOrEqual(45);
    const claimed = new Set(files.flatMap((f) => (fs.readFileSync(path.join(DIR, f), 'utf8').split('\n')[0].match(/[EW]\d{3}/g) ?? [])));
    const missing = Object.keys(CODES).filter((c) => !claimed.has(c));
    expect(missing).toEqual([]);
  });

  for (const file of files) {
    it(file, async () => {
      const text = fs.readFileSync(path.join(DIR, file), 'utf8');
      const { source, expected } = split(text);
      const actual = await render(file, source);
      // the case must produce the codes its first line names
      for (const code of source.split('\n')[0].match(/[EW]\d{3}/g) ?? []) expect(actual).toContain(`[${code}]`);
      if (update || expected === null) {
        const block = actual.split('\n').map((l) => (l ? `# ${l}` : '#')).join('\n');
        fs.writeFileSync(path.join(DIR, file), `${source}${MARKER}\n${block}\n`);
        return;
      }
      expect(actual).toBe(expected);
    });
  }
});
