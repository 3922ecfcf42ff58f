import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMetricLines, readNewLines } from './run-metrics.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-run-metrics-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('reading appended metrics lines', () => {
  it('reads whole lines from an offset, skips damaged ones, and waits for a partial last line', async () => {
    const file = path.join(dir, 'metrics.jsonl');
    expect(readNewLines(file, 0)).toEqual({ lines: [], next: 0 }); // not there yet
    const a = '{"step":1,"train_loss":3}\n';
    const bad = 'not json\n';
    const b = '{"step":2,"train_loss":2.5,"valid_loss":2.9}\n';
    fs.writeFileSync(file, a + bad + b + '{"step":3,"tra');
    const r = readNewLines(file, 0);
    expect(r.lines).toEqual([{ step: 1, train_loss: 3 }, { step: 2, train_loss: 2.5, valid_loss: 2.9 }]);
    expect(r.next).toBe(Buffer.byteLength(a + bad + b));
    expect(await readMetricLines(file)).toEqual({ lines: r.lines, next: r.next }); // the tailJsonl reader agrees
    expect(readNewLines(file, r.next)).toEqual({ lines: [], next: r.next });
    fs.appendFileSync(file, 'in_loss":2}\n');
    expect(readNewLines(file, r.next).lines).toEqual([{ step: 3, train_loss: 2 }]);
    // lines without a step are not metrics lines
    fs.appendFileSync(file, '{"note":"x"}\n');
    expect(readNewLines(file, 0).lines.map((l) => l.step)).toEqual([1, 2, 3]);
  });

  it('reads in windows and widens one for a line longer than it', () => {
    const file = path.join(dir, 'long.jsonl');
    const long = JSON.stringify({ step: 1, note: 'x'.repeat(300) }) + '\n';
    fs.writeFileSync(file, long + '{"step":2}\n');
    // the widened window takes the long line (and what fits after it)
    const widened = readNewLines(file, 0, 64);
    expect(widened.lines.map((l) => l.step)).toEqual([1, 2]);
    expect(widened.next).toBe(fs.statSync(file).size);
    // short lines: a window takes the whole lines in it, the next call the rest
    fs.writeFileSync(file, ['{"step":1}', '{"step":2}', '{"step":3}'].join('\n') + '\n');
    const part = readNewLines(file, 0, 25);
    expect(part).toEqual({ lines: [{ step: 1 }, { step: 2 }], next: 22 });
    expect(readNewLines(file, part.next, 25).lines).toEqual([{ step: 3 }]);
    fs.writeFileSync(file, '{"step":1}\n');
    expect(() => readNewLines(file, 100)).toThrow(/shrank/);
  });
});
