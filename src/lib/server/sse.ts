/**
 * Server-sent event responses for +server.ts. The stream sends a `retry:` hint, then the
 * producer's events, with a comment heartbeat every heartbeatMs so proxies and the browser keep
 * the connection; it stops the producer (through `signal`) as soon as the client goes away.
 *
 *   export const GET = ({ request, params }) =>
 *     sseResponse(request, ({ signal }) => runEvents(params.id, lastEventId(request), signal));
 *
 * A producer either returns an async iterable of events (sent with back-pressure) or sends
 * through `send` and returns a promise that settles when it is done. When the producer ends
 * the response ends; send an `end` event first when the client should not reconnect (the browser
 * helper in $lib/api/sse.ts closes for good on `end`).
 */

export interface SseEvent {
  /** Event name; omitted = the default 'message'. */
  event?: string;
  data: unknown;
  /** Sent as `id:`; the browser resumes after it (Last-Event-ID) when it reconnects. */
  id?: string | number;
}

export interface SseContext {
  send: (e: SseEvent) => void;
  /** Aborted when the client disconnects (or the stream is cancelled). */
  signal: AbortSignal;
}

export type SseProducer = (ctx: SseContext) => AsyncIterable<SseEvent> | Promise<void> | void;

export interface SseResponseOptions {
  heartbeatMs?: number;
  /** Reconnect delay the browser should use. */
  retryMs?: number;
  headers?: Record<string, string>;
}

const encoder = new TextEncoder();

/** One event in wire format. Names and ids lose any line breaks (they would end the field). */
export function formatEvent(e: SseEvent): string {
  let out = '';
  if (e.event) out += `event: ${e.event.replace(/[\r\n]/g, '')}\n`;
  if (e.id !== undefined) out += `id: ${String(e.id).replace(/[\r\n]/g, '')}\n`;
  const text = typeof e.data === 'string' ? JSON.stringify(e.data) : JSON.stringify(e.data ?? null);
  for (const line of text.split('\n')) out += `data: ${line}\n`;
  return out + '\n';
}

/** The id the client last saw: the Last-Event-ID header, or ?lastEventId= from a manual reconnect. */
export function lastEventId(request: Request): string | null {
  return request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId');
}

function isAsyncIterable(x: unknown): x is AsyncIterable<SseEvent> {
  return !!x && typeof (x as AsyncIterable<SseEvent>)[Symbol.asyncIterator] === 'function';
}

export function sseResponse(request: Request, produce: SseProducer, opts: SseResponseOptions = {}): Response {
  const abort = new AbortController();
  const { signal } = abort;
  const onClientGone = () => abort.abort();
  request.signal.addEventListener('abort', onClientGone, { once: true });

  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let wake: (() => void) | undefined;
  let closed = false;

  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const write = (text: string) => {
          if (closed || signal.aborted) return;
          controller.enqueue(encoder.encode(text));
        };
        const finish = () => {
          if (closed) return;
          closed = true;
          clearInterval(heartbeat);
          request.signal.removeEventListener('abort', onClientGone);
          try {
            controller.close();
          } catch {
            // already cancelled by the client
          }
        };
        const waitForRoom = async () => {
          while (!signal.aborted && (controller.desiredSize ?? 1) <= 0) await new Promise<void>((r) => (wake = r));
        };
        signal.addEventListener('abort', () => {
          wake?.();
          finish();
        });

        write(`retry: ${opts.retryMs ?? 2000}\n: connected\n\n`);
        heartbeat = setInterval(() => write(': ping\n\n'), opts.heartbeatMs ?? 15_000);
        const send = (e: SseEvent) => write(formatEvent(e));

        void (async () => {
          try {
            const out = produce({ send, signal });
            if (isAsyncIterable(out)) {
              for await (const e of out) {
                if (signal.aborted) break;
                send(e);
                await waitForRoom();
              }
            } else await out;
          } catch (e) {
            if (!signal.aborted) {
              console.error('tunebench: event stream failed:', e);
              send({ event: 'error', data: { code: 'stream_failed', message: (e as Error)?.message ?? String(e) } });
            }
          } finally {
            finish();
          }
        })();
      },
      pull() {
        wake?.();
        wake = undefined;
      },
      cancel() {
        abort.abort();
      }
    },
    { highWaterMark: 64 }
  );

  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      ...opts.headers
    }
  });
}
