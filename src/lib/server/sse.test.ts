import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { formatEvent, lastEventId, sseResponse, type SseEvent } from './sse.ts';
import { tailJsonl } from './tail-jsonl.ts';

/** Reads an SSE body until `until` matches the text so far (or the stream ends). */
async function readUntil(res: Response, until: (text: string) => boolean, cancel = true): Promise<string> {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += dec.decode(value, { stream: true });
    if (until(text)) break;
  }
  if (cancel) await reader.cancel();
  return text;
}

function events(text: string): { event?: string; id?: string; data: unknown }[] {
  return text
    .split('\n\n')
    .map((block) => block.split('\n').filter((l) => l && !l.startsWith(':') && !l.startsWith('retry:')))
    .filter((lines) => lines.length)
    .map((lines) => {
      const field = (k: string) => lines.find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2);
      return { event: field('event'), id: field('id'), data: JSON.parse(field('data')!) };
    });
}

describe('sseResponse', () => {
  it('streams an async iterable as events and ends with it', async () => {
    async function* produce(): AsyncGenerator<SseEvent> {
      yield { event: 'metric', data: { step: 1, loss: 2.5 }, id: 10 };
      yield { data: 'plain' };
    }
    const res = sseResponse(new Request('http://x/e'), () => produce());
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await readUntil(res, () => false, false);
    expect(text.startsWith('retry: 2000\n')).toBe(true);
    expect(events(text)).toEqual([
      { event: 'metric', id: '10', data: { step: 1, loss: 2.5 } },
      { event: undefined, id: undefined, data: 'plain' }
    ]);
  });

  it('sends heartbeats while the producer is quiet and stops the producer when the client leaves', async () => {
    const client = new AbortController();
    let producerSignal: AbortSignal | undefined;
    const res = sseResponse(
      new Request('http://x/e', { signal: client.signal }),
      ({ signal }) => {
        producerSignal = signal;
        return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      },
      { heartbeatMs: 20 }
    );
    const text = await readUntil(res, (t) => (t.match(/: ping/g) ?? []).length >= 2, false);
    expect(text).toContain(': ping\n\n');
    client.abort();
    await new Promise((r) => setTimeout(r, 10));
    expect(producerSignal?.aborted).toBe(true);
  });

  it('reports a producer failure as an error event', async () => {
    const res = sseResponse(new Request('http://x/e'), async ({ send }) => {
      send({ event: 'a', data: 1 });
      throw new Error('disk gone');
    });
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const all = events(await readUntil(res, () => false, false));
    quiet.mockRestore();
    expect(all).toEqual([
      { event: 'a', id: undefined, data: 1 },
      { event: 'error', id: undefined, data: { code: 'stream_failed', message: 'disk gone' } }
    ]);
  });

  it('streams a growing JSONL file live, with byte offsets as event ids', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-sse-'));
    const file = path.join(dir, 'events.jsonl');
    fs.writeFileSync(file, '{"n":1}\n');
    const client = new AbortController();
    const res = sseResponse(new Request('http://x/e', { signal: client.signal }), ({ signal }) =>
      (async function* () {
        for await (const r of tailJsonl(file, 0, signal, { pollMs: 20 })) if (r.ok) yield { event: 'log', data: r.value, id: r.next };
      })()
    );
    setTimeout(() => fs.appendFileSync(file, '{"n":2}\n'), 50);
    const text = await readUntil(res, (t) => t.includes('"n":2'));
    client.abort();
    expect(events(text)).toEqual([
      { event: 'log', id: '8', data: { n: 1 } },
      { event: 'log', id: '16', data: { n: 2 } }
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('formatEvent and lastEventId', () => {
  it('keeps names and ids on one line', () => {
    expect(formatEvent({ event: 'a\nb', id: '1\r2', data: { x: 'line\nbreak' } })).toBe('event: ab\nid: 12\ndata: {"x":"line\\nbreak"}\n\n');
  });
  it('prefers the Last-Event-ID header over the query parameter', () => {
    expect(lastEventId(new Request('http://x/e?lastEventId=5', { headers: { 'last-event-id': '9' } }))).toBe('9');
    expect(lastEventId(new Request('http://x/e?lastEventId=5'))).toBe('5');
    expect(lastEventId(new Request('http://x/e'))).toBeNull();
  });
});
