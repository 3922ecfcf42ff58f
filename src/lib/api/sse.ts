/**
 * Server-sent events with a typed event map. Wraps EventSource: JSON-decodes each event's data,
 * reconnects with back-off when the server refuses or drops the stream (resuming after the last
 * event id it saw), and stops for good on an `end` event (the server's "nothing more will come").
 *
 *   type RunEvents = { metric: MetricEvent; stage: StageEvent; end: { status: string } };
 *   const sub = subscribe<RunEvents>(`/api/runs/${id}/events`, { metric: (m) => chart.append(m) });
 *   sub.close();
 *
 * In a component prefer useSse() from sse.svelte.ts, which closes on destroy.
 */

export type EventMap = Record<string, unknown>;

export interface SseMeta<K extends string = string> {
  event: K;
  /** The event's id (for tailed files: the byte offset after it). */
  id: string;
}

export type SseHandlers<E extends EventMap> = { [K in keyof E & string]?: (data: E[K], meta: SseMeta<K>) => void };

export type SseStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface SseOptions {
  onStatus?: (status: SseStatus) => void;
  /** An event whose data is not JSON, or the stream gave up after maxRetries. */
  onError?: (message: string) => void;
  /** First reconnect delay in ms; doubles on each failure up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  maxRetries?: number;
  /** Resume after this event id on the first connection too. */
  lastEventId?: string;
}

export interface SseSubscription {
  close(): void;
  readonly status: SseStatus;
  readonly lastEventId: string;
}

/** The event that closes a subscription for good. */
export const END_EVENT = 'end';

/** Adds lastEventId to a URL: a new EventSource cannot send the Last-Event-ID header itself. */
export function resumeUrl(url: string, lastEventId: string): string {
  if (!lastEventId) return url;
  const [base, hash = ''] = url.split('#', 2);
  const kept = base.replace(/([?&])lastEventId=[^&]*(&|$)/, (_m, pre: string, post: string) => (post ? pre : ''));
  const sep = kept.includes('?') ? '&' : '?';
  return `${kept}${sep}lastEventId=${encodeURIComponent(lastEventId)}${hash ? `#${hash}` : ''}`;
}

export function subscribe<E extends EventMap>(url: string, handlers: SseHandlers<E>, opts: SseOptions = {}): SseSubscription {
  const retryMs = opts.retryMs ?? 500;
  const maxRetryMs = opts.maxRetryMs ?? 15_000;
  const maxRetries = opts.maxRetries ?? Infinity;
  let status: SseStatus = 'connecting';
  let lastEventId = opts.lastEventId ?? '';
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let closed = false;

  const setStatus = (s: SseStatus) => {
    if (status === s) return;
    status = s;
    opts.onStatus?.(s);
  };

  const names = new Set<string>([...Object.keys(handlers), END_EVENT]);

  function connect() {
    const es = new EventSource(resumeUrl(url, lastEventId));
    source = es;
    es.onopen = () => {
      failures = 0;
      setStatus('open');
    };
    es.onerror = () => {
      if (closed) return;
      if (es.readyState === EventSource.CONNECTING) {
        setStatus('reconnecting'); // the browser retries by itself and sends Last-Event-ID
        return;
      }
      es.close();
      failures += 1;
      if (failures > maxRetries) {
        opts.onError?.(`lost the event stream ${url} after ${maxRetries} retries`);
        stop();
        return;
      }
      setStatus('reconnecting');
      timer = setTimeout(connect, Math.min(maxRetryMs, retryMs * 2 ** (failures - 1)));
    };
    for (const name of names) {
      es.addEventListener(name, (ev) => {
        const msg = ev as MessageEvent<string>;
        if (msg.lastEventId) lastEventId = msg.lastEventId;
        let data: unknown;
        try {
          data = msg.data === '' ? undefined : JSON.parse(msg.data);
        } catch {
          opts.onError?.(`event '${name}' from ${url} is not JSON: ${msg.data.slice(0, 120)}`);
          return;
        }
        const handler = (handlers as Record<string, ((d: unknown, m: SseMeta) => void) | undefined>)[name];
        handler?.(data, { event: name, id: msg.lastEventId });
        if (name === END_EVENT) stop();
      });
    }
  }

  function stop() {
    closed = true;
    clearTimeout(timer);
    source?.close();
    setStatus('closed');
  }

  opts.onStatus?.(status);
  connect();
  return {
    close: stop,
    get status() {
      return status;
    },
    get lastEventId() {
      return lastEventId;
    }
  };
}
