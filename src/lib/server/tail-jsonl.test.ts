import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tailJsonl, type TailRecord } from './tail-jsonl.ts';

const dirs: string[] = [];
function tmpFile(name = 'events.jsonl'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-tail-'));
  dirs.push(dir);
  return path.join(dir, name);
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function take<T>(it: AsyncIterator<TailRecord<T>>, n: number): Promise<TailRecord<T>[]> {
  const out: TailRecord<T>[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('tailJsonl', () => {
  it('reads existing lines with byte offsets that resume exactly', async () => {
    const file = tmpFile();
    const lines = ['{"step":1,"text":"héllo"}', '{"step":2}', '{"step":3}'];
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const all: TailRecord[] = [];
    for await (const r of tailJsonl(file, 0, undefined, { follow: false })) all.push(r);
    expect(all.map((r) => (r.ok ? r.value : null))).toEqual([{ step: 1, text: 'héllo' }, { step: 2 }, { step: 3 }]);
    // Offsets are bytes (é is two), and each `next` is where the following line starts.
    expect(all[0].offset).toBe(0);
    expect(all[0].next).toBe(Buffer.byteLength(lines[0]) + 1);
    expect(all[1].offset).toBe(all[0].next);
    const resumed: TailRecord[] = [];
    for await (const r of tailJsonl(file, all[1].next, undefined, { follow: false })) resumed.push(r);
    expect(resumed.map((r) => (r.ok ? r.value : null))).toEqual([{ step: 3 }]);
  });

  it('waits for the file to be created, then follows appends written in pieces', async () => {
    const file = tmpFile();
    const ac = new AbortController();
    const it = tailJsonl<{ n: number }>(file, 0, ac.signal, { pollMs: 20 })[Symbol.asyncIterator]();
    const got = take(it, 3);
    await sleep(50);
    fs.writeFileSync(file, '{"n":1}\n{"n"');
    await sleep(60);
    fs.appendFileSync(file, ':2}\n');
    await sleep(60);
    fs.appendFileSync(file, '{"n":3}\n{"n":4'); // the 4th line is incomplete: never yielded
    const recs = await got;
    expect(recs.map((r) => (r.ok ? r.value.n : -1))).toEqual([1, 2, 3]);
    expect(recs[1].offset).toBe(8);
    ac.abort();
    const after = await it.next();
    expect(after.done).toBe(true);
  });

  it('yields a line that is not JSON as an error value and goes on; skips blank lines', async () => {
    const file = tmpFile();
    fs.writeFileSync(file, '{"a":1}\n\nnot json\r\n{"a":2}\n');
    const all: TailRecord[] = [];
    for await (const r of tailJsonl(file, 0, undefined, { follow: false })) all.push(r);
    expect(all.map((r) => r.ok)).toEqual([true, false, true]);
    const bad = all[1];
    expect(bad.ok === false && bad.text).toBe('not json');
    expect(bad.ok === false && bad.error).toContain('byte 9');
    expect(all[2].ok && all[2].value).toEqual({ a: 2 });
  });

  it('stops with follow: false before a partial last line and reports where to resume', async () => {
    const file = tmpFile();
    fs.writeFileSync(file, '{"a":1}\n{"a":');
    const all: TailRecord[] = [];
    for await (const r of tailJsonl(file, 0, undefined, { follow: false })) all.push(r);
    expect(all).toHaveLength(1);
    expect(all[0].next).toBe(8);
  });

  it('fails when an append-only file shrinks', async () => {
    const file = tmpFile();
    fs.writeFileSync(file, '{"a":1}\n{"a":2}\n');
    const ac = new AbortController();
    const it = tailJsonl(file, 0, ac.signal, { pollMs: 20 })[Symbol.asyncIterator]();
    await take(it, 2);
    fs.writeFileSync(file, '{"a":1}\n');
    await expect(it.next()).rejects.toThrow(/shrank/);
    ac.abort();
  });

  it('returns promptly when aborted while waiting', async () => {
    const file = tmpFile();
    fs.writeFileSync(file, '');
    const ac = new AbortController();
    const it = tailJsonl(file, 0, ac.signal, { pollMs: 10_000 })[Symbol.asyncIterator]();
    const pending = it.next();
    await sleep(30);
    const t0 = Date.now();
    ac.abort();
    expect((await pending).done).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
