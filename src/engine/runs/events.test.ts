import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventLog, followEvents, readEvents } from './events.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-events-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('events.jsonl', () => {
  it('appends one JSON object per line and reads back whole lines only', async () => {
    const file = path.join(dir, 'a.jsonl');
    const log = eventLog(file, 'r1');
    log.emit({ type: 'run_started', message: 'go' });
    log.emit({ stage: 's1', level: 'warn', type: 'log', message: 'careful', data: { n: 2 } });
    fs.appendFileSync(file, '{"ts":"2026-01-01T00:00:00Z","type":"half'); // a line being written
    const { events, end } = await readEvents(file);
    expect(events.map((e) => e.event.type)).toEqual(['run_started', 'log']);
    expect(events[1].event).toMatchObject({ run_id: 'r1', stage: 's1', level: 'warn', data: { n: 2 } });
    expect(end).toBe(events[1].next);
    fs.appendFileSync(file, ' line","message":"","level":"info","stage":null,"run_id":"r1","data":{}}\n');
    const more = await readEvents(file, end);
    expect(more.events.map((e) => e.event.type)).toEqual(['half line']);
  });

  it('skips a damaged line and keeps reading', async () => {
    const file = path.join(dir, 'b.jsonl');
    fs.writeFileSync(file, '{"type":"a"}\nnot json\n{"type":"b"}\n');
    expect((await readEvents(file)).events.map((e) => e.event.type)).toEqual(['a', 'b']);
    expect((await readEvents(path.join(dir, 'missing.jsonl'))).events).toEqual([]);
  });

  it('followEvents yields appends as they come and ends when the run has finished', async () => {
    const file = path.join(dir, 'c.jsonl');
    const log = eventLog(file, 'r2');
    let finished = false;
    const seen: string[] = [];
    const follow = (async () => {
      for await (const e of followEvents(file, { isFinished: async () => finished, pollMs: 20 })) seen.push(e.event.type);
    })();
    log.emit({ type: 'one', message: '' });
    await new Promise((r) => setTimeout(r, 60));
    log.emit({ type: 'two', message: '' });
    finished = true;
    await follow;
    expect(seen).toEqual(['one', 'two']);
  });
});
