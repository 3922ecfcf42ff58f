/**
 * The browser's header reader (csv-header.ts) against the streaming reader the import uses
 * (csv.ts): for each tricky header, the columns written out by hand, and the same as readCsv's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvHeader } from './csv-header.ts';
import { readCsv } from './csv.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-csv-header-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The header readCsv hands to its sink for this file content. */
async function engineHeader(text: string, name: string): Promise<string[] | null> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  let seen: string[] | null = null;
  // Literal turns: a mapping that fits any header, so the reader hands the header on.
  await readCsv(file, { user: '"x"', assistant: '"y"' }, { header: (cols) => ((seen = cols), null), row: () => {}, fatal: () => {} });
  return seen;
}

const CASES: { name: string; text: string; columns: string[] }[] = [
  { name: 'plain.csv', text: 'q,a,label\n1,2,3\n', columns: ['q', 'a', 'label'] },
  { name: 'quoted.csv', text: '"my, col","say ""hi""", b \r\nx,y,z\r\n', columns: ['my, col', 'say "hi"', 'b'] },
  { name: 'bom.csv', text: '\uFEFFprompt,completion\nx,y\n', columns: ['prompt', 'completion'] },
  { name: 'semi.csv', text: 'question;answer;tag,s\nx;y;z\n', columns: ['question', 'answer', 'tag,s'] },
  { name: 'tabs.tsv', text: 'a,b\tc\nx\ty\n', columns: ['a,b', 'c'] },
  { name: 'break.csv', text: '"two\nlines",b\nx,y\n', columns: ['two\nlines', 'b'] },
  { name: 'after-quote.csv', text: '"a"b,c\nx,y\n', columns: ['ab', 'c'] }
];

describe('reading a CSV header in the browser', () => {
  for (const c of CASES) {
    it(`${c.name}: the columns the import sees`, async () => {
      expect(readCsvHeader(c.text, c.name)).toEqual(c.columns);
      expect(await engineHeader(c.text, c.name)).toEqual(c.columns);
    });
  }

  it('says when the first record does not end within what was read', () => {
    expect(readCsvHeader('q,a,lab', 'x.csv')).toBeNull();
    expect(readCsvHeader('q,a,lab', 'x.csv', true)).toEqual(['q', 'a', 'lab']);
    expect(readCsvHeader('"q\nstill the header', 'x.csv')).toBeNull();
    expect(readCsvHeader('"q"', 'x.csv')).toBeNull(); // "" or the closing quote?
    expect(readCsvHeader('"q"', 'x.csv', true)).toEqual(['q']);
    expect(readCsvHeader('', 'x.csv', true)).toBeNull();
  });
});
