import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectFormat } from './detect.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-detect-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(root, 'f-'));
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

const chat = '{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]}';

describe('detectFormat', () => {
  it('tells containers and record formats apart', async () => {
    expect(await detectFormat(file('a.jsonl', `${chat}\n${chat}\n`))).toMatchObject({ format: 'openai', container: 'jsonl' });
    expect(await detectFormat(file('a.json', `[\n${chat},\n${chat}\n]\n`))).toMatchObject({ format: 'openai', container: 'json-array' });
    expect(await detectFormat(file('a.json', '[{"context":"用户:x","response":"模型:y"}]'))).toMatchObject({ format: 'context-response', container: 'json-array' });
    expect(await detectFormat(file('a.jsonl', '{"prompt":"a","completion":"b"}\n'))).toMatchObject({ format: 'prompt-completion', container: 'jsonl' });
    expect(await detectFormat(file('a.json', '{\n  "data": []\n}\n'))).toMatchObject({ container: 'json-document' });
    expect(await detectFormat(file('a.csv', 'user,assistant\n'))).toMatchObject({ format: 'csv', container: 'csv' });
    expect(await detectFormat(file('a.bin', 'PAR1....'))).toMatchObject({ format: 'parquet' });
  });

  it('follows the majority of the first records, and the override', async () => {
    const mixed = `${chat}\n{"prompt":"a","completion":"b"}\n${chat}\n`;
    expect((await detectFormat(file('m.jsonl', mixed))).format).toBe('openai');
    expect((await detectFormat(file('m.jsonl', mixed), 'prompt-completion')).format).toBe('prompt-completion');
  });

  it('reports a pretty-printed array in a .jsonl file and unsupported formats as one problem', async () => {
    expect((await detectFormat(file('a.jsonl', `[\n  ${chat}\n]\n`))).problem?.code).toBe('json_array_in_jsonl');
    expect((await detectFormat(file('a.jsonl', '{"instruction":"a","input":"","output":"b"}\n'))).problem?.code).toBe('unsupported_format');
  });
});
