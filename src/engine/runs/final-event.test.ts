/**
 * The order of a run's last two writes: run_finished is appended to events.jsonl BEFORE the final
 * status.json is written. Followers (subscribeEvents, the web's SSE) stop once the status is
 * final and the file is read to its end, so the other order could drop the last line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../workspace.ts';
import { runPaths, startRun, subscribeEvents, type RunEvent, type RunStatus } from './index.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-final-event-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const rows = Array.from({ length: 20 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: `answer ${i}` }] })).join('\n') + '\n';
const SOURCE = `pipeline order_check
dataset d from "data.jsonl" format openai
stage few from d { limit 5 }
`;

describe('the end of a run', () => {
  it('appends run_finished while status.json still says running, and a live follower sees it last', async () => {
    fs.writeFileSync(path.join(root, 'data.jsonl'), rows);
    const ws = await openWorkspace(root, { create: true });
    let statusAtFinish: string | null = null;
    const started = await startRun(ws, { source: SOURCE, file: 'order.ftp' }, {
      origin: 'test',
      onEvent: (e: RunEvent) => {
        // Called synchronously right after the line is appended.
        if (e.type === 'run_finished') statusAtFinish = (JSON.parse(fs.readFileSync(runPaths(ws, e.run_id).status, 'utf8')) as RunStatus).status;
      }
    });
    const followed: string[] = [];
    const follower = (async () => {
      for await (const r of subscribeEvents(ws, started.runId, { pollMs: 5 })) followed.push(r.event.type);
    })();
    const final = await started.done;
    await follower;
    expect(final.status).toBe('succeeded');
    expect(statusAtFinish).toBe('running');
    expect(followed.at(-1)).toBe('run_finished');
    expect(followed[0]).toBe('run_created');
  });
});
