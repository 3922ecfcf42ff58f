import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryRows, sqlString } from '../../engine/data/duckdb.ts';
import { elementEnd, readRawRecord } from './raw-record.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-raw-'));
const write = (name: string, text: string | Buffer) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};

describe('raw records for the row view', () => {
  it('a JSON Lines or CSV line by its number (\\n lines; CRLF dropped)', async () => {
    const f = write('a.jsonl', '{"a":1}\r\n{"b":2}\n\n{"c":"é"}\n');
    expect(await readRawRecord(f, 1)).toMatchObject({ kind: 'line', line: 1, lastLine: 1, text: '{"a":1}', truncated: false });
    expect((await readRawRecord(f, 2))?.text).toBe('{"b":2}');
    expect((await readRawRecord(f, 3))?.text).toBe('');
    expect((await readRawRecord(f, 4))?.text).toBe('{"c":"é"}');
    expect(await readRawRecord(f, 9)).toBeNull();
    expect((await readRawRecord(write('b.csv', 'q,a\n"x, y",z\n'), 2))?.text).toBe('"x, y",z');
  });

  it('a line longer than the limit is cut, far lines are found across read chunks', async () => {
    const long = 'x'.repeat(100_000);
    const f = write('long.jsonl', `${long}\nshort\n`);
    const r = await readRawRecord(f, 1);
    expect(r?.truncated).toBe(true);
    expect(r!.text.length).toBe(64 * 1024);
    const many = write('many.jsonl', Array.from({ length: 200_000 }, (_, i) => `{"n":${i + 1}}`).join('\n') + '\n');
    expect((await readRawRecord(many, 150_001))?.text).toBe('{"n":150001}');
  });

  it('a JSON array element from its first line to its closing bracket', async () => {
    const f = write('arr.json', '[{"a": 1,\n  "b": "}"},\n {"c": [1,\n 2]}\n]\n');
    expect(await readRawRecord(f, 1)).toMatchObject({ kind: 'json-element', text: '{"a": 1,\n  "b": "}"}', lastLine: 2 });
    expect((await readRawRecord(f, 3))?.text).toBe(' {"c": [1,\n 2]}');
    expect(elementEnd('{"x": "\\"}"} tail')).toBe(12);
  });

  it('a Parquet row by its number, as JSON', async () => {
    const f = path.join(dir, 't.parquet');
    await queryRows(`COPY (SELECT i AS n, 'row ' || i AS s FROM range(1, 6) t(i)) TO ${sqlString(f)} (FORMAT parquet)`);
    const r = await readRawRecord(f, 4);
    expect(r?.kind).toBe('parquet-row');
    expect(JSON.parse(r!.text)).toEqual({ n: 4, s: 'row 4' });
    expect(await readRawRecord(f, 6)).toBeNull();
  });
});
