import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCsv } from './csv.ts';

async function rows(text: string | Buffer, name = 't.csv') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-csv-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const out: { rec: Record<string, unknown>; line: number; fields: number }[] = [];
  const fatal: string[] = [];
  await readCsv(file, undefined, {
    header: () => null,
    row: (rec, line, fields) => out.push({ rec, line, fields }),
    fatal: (code, line) => fatal.push(`${code}@${line}`)
  });
  fs.rmSync(dir, { recursive: true });
  return { out, fatal };
}

describe('readCsv', () => {
  it('handles quotes, doubled quotes, embedded commas and line breaks (RFC 4180), CRLF and a BOM', async () => {
    const { out } = await rows('\ufeffprompt,completion\r\n"Hi, there","He said ""ok""\nthen left"\r\nplain,text\r\n');
    expect(out.map((r) => [r.line, (r.rec.messages as { content: string }[]).map((m) => m.content)])).toEqual([
      [2, ['Hi, there', 'He said "ok"\nthen left']],
      [4, ['plain', 'text']]
    ]);
  });

  it('detects tab and semicolon delimiters', async () => {
    expect((await rows('user\tassistant\na,b\tc\n', 't.tsv')).out[0].rec.messages).toEqual([
      { role: 'user', content: 'a,b' },
      { role: 'assistant', content: 'c' }
    ]);
    expect((await rows('user;assistant\nx;y\n')).out[0].fields).toBe(2);
  });

  it('keeps a doubled quote that straddles two read chunks', async () => {
    // Short rows up to just before the 4 MB read boundary, then a quoted field whose "" spans it.
    const filler = 'a,b\n';
    let text = 'user,assistant\n';
    const rowsBefore = Math.floor(((4 << 20) - text.length - 20) / filler.length);
    text += filler.repeat(rowsBefore);
    text += '"' + 'x'.repeat((4 << 20) - 1 - text.length - 1) + '""tail",b\n';
    const { out } = await rows(text);
    expect(out.length).toBe(rowsBefore + 1);
    const user = (out[out.length - 1].rec.messages as { content: string }[])[0].content;
    expect(user.endsWith('x"tail')).toBe(true);
    expect(user.includes('""')).toBe(false);
  });

  it('stops a runaway record (an unclosed quote over a big file) with one error', async () => {
    const { out, fatal } = await rows(`user,assistant\n"never closed,${'y'.repeat(3 << 20)}\nmore,rows\n`);
    expect(out).toEqual([]);
    expect(fatal).toEqual(['line_too_long@2']);
  });

  it('stops with one error on non-UTF-8 input, an unclosed quote, or a missing mapping', async () => {
    expect((await rows(Buffer.from('user,assistant\ncaf\xe9,x\n', 'latin1'))).fatal).toEqual(['invalid_utf8@2']);
    expect((await rows('user,assistant\n"open,x\n')).fatal).toEqual(['csv_unterminated_quote@2']);
    expect((await rows('foo,bar\n1,2\n')).fatal).toEqual(['mapping_error@1']);
  });
});
