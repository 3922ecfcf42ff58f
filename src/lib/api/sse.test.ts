/**
 * The browser SSE helper against a real event stream: Node 20 has EventSource behind
 * --experimental-eventsource, so the client runs in a child Node process, talking to a server
 * in this process that uses the server helper (sseResponse) and drops the first connection.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeUrl } from './sse.ts';
import { sseResponse, lastEventId } from '../server/sse.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
let server: http.Server;
let base: string;
const seenResume: (string | null)[] = [];
let refusals = 0;

function pipe(res: http.ServerResponse, r: Response) {
  res.writeHead(r.status, Object.fromEntries(r.headers));
  Readable.fromWeb(r.body as import('node:stream/web').ReadableStream).pipe(res);
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const request = new Request(`http://x${req.url}`, { headers: req.headers as Record<string, string> });
    const from = lastEventId(request);
    if (url.pathname === '/drop') {
      seenResume.push(from);
      // First connection: two events, then the connection breaks. Second: resume after id 2, end.
      if (!from) {
        pipe(res, sseResponse(request, async ({ send }) => {
          send({ event: 'metric', data: { step: 1 }, id: 1 });
          send({ event: 'metric', data: { step: 2 }, id: 2 });
          await new Promise((r) => setTimeout(r, 50));
          res.destroy();
        }, { retryMs: 50 }));
      } else {
        pipe(res, sseResponse(request, async ({ send }) => {
          send({ event: 'metric', data: { step: Number(from) + 1 }, id: Number(from) + 1 });
          send({ event: 'end', data: { status: 'succeeded' } });
        }));
      }
      return;
    }
    if (url.pathname === '/refuse') {
      // Refused twice (the browser gives up on a 503 by itself), then served.
      if (refusals++ < 2) {
        res.writeHead(503);
        return res.end();
      }
      seenResume.push(from);
      return pipe(res, sseResponse(request, async ({ send }) => send({ event: 'end', data: { after: from } })));
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function runClient(url: string, opts: string): Promise<{ events: unknown[]; statuses: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-sse-client-'));
  const script = path.join(dir, 'client.mts');
  fs.writeFileSync(
    script,
    `import { subscribe } from ${JSON.stringify(path.join(here, 'sse.ts'))};
const events = []; const statuses = [];
subscribe(${JSON.stringify(url)}, {
  metric: (d, m) => events.push({ metric: d, id: m.id }),
  end: (d) => { events.push({ end: d }); setTimeout(() => { console.log(JSON.stringify({ events, statuses })); process.exit(0); }, 20); }
}, { ...${opts}, onStatus: (s) => statuses.push(s) });
setTimeout(() => { console.log(JSON.stringify({ events, statuses, timeout: true })); process.exit(1); }, 8000);`
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--experimental-eventsource', '--no-warnings', '--import', 'tsx', script], { cwd: path.resolve(here, '../../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', () => {
      fs.rmSync(dir, { recursive: true, force: true });
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!));
      } catch {
        reject(new Error(`client printed no result: ${out}\n${err}`));
      }
    });
  });
}

describe('subscribe (EventSource wrapper)', () => {
  it('decodes typed events, resumes after the last id when the stream drops, and stops on end', async () => {
    const r = await runClient(`${base}/drop`, '{}');
    expect(r.events).toEqual([{ metric: { step: 1 }, id: '1' }, { metric: { step: 2 }, id: '2' }, { metric: { step: 3 }, id: '3' }, { end: { status: 'succeeded' } }]);
    expect(seenResume.slice(0, 2)).toEqual([null, '2']);
    expect(r.statuses[0]).toBe('connecting');
    expect(r.statuses).toContain('reconnecting');
    expect(r.statuses.at(-1)).toBe('closed');
  }, 30_000);

  it('reconnects by itself with back-off after the server refuses', async () => {
    const r = await runClient(`${base}/refuse`, '{ retryMs: 20, lastEventId: "41" }');
    expect(r.events).toEqual([{ end: { after: '41' } }]);
    expect(refusals).toBe(3);
  }, 30_000);
});

describe('resumeUrl', () => {
  it('adds or replaces lastEventId and keeps the rest of the URL', () => {
    expect(resumeUrl('/api/runs/1/events', '')).toBe('/api/runs/1/events');
    expect(resumeUrl('/api/runs/1/events', '120')).toBe('/api/runs/1/events?lastEventId=120');
    expect(resumeUrl('/e?level=info&lastEventId=5', '9')).toBe('/e?level=info&lastEventId=9');
    expect(resumeUrl('/e?lastEventId=5&level=info', '9')).toBe('/e?level=info&lastEventId=9');
    expect(resumeUrl('/e#x', 'a b')).toBe('/e?lastEventId=a%20b#x');
  });
});
