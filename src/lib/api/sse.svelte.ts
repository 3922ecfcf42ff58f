/**
 * subscribe() bound to a component's life: connects when the URL getter gives a URL, reconnects
 * when it changes, closes on destroy. Call it during component initialisation.
 *
 *   const live = useSse<RunEvents>(() => (run.done ? null : `/api/runs/${run.id}/events`), {
 *     metric: (m) => loss.append(m.step, m.loss)
 *   });
 *   // live.status: 'connecting' | 'open' | 'reconnecting' | 'closed'
 */
import { subscribe, type EventMap, type SseHandlers, type SseOptions, type SseStatus } from './sse.ts';

export function useSse<E extends EventMap>(url: () => string | null | undefined, handlers: SseHandlers<E>, opts: SseOptions = {}) {
  let status = $state<SseStatus>('closed');
  let error = $state<string | null>(null);
  $effect(() => {
    const u = url();
    if (!u) return;
    error = null;
    const sub = subscribe(u, handlers, {
      ...opts,
      onStatus: (s) => {
        status = s;
        opts.onStatus?.(s);
      },
      onError: (m) => {
        error = m;
        opts.onError?.(m);
      }
    });
    return () => sub.close();
  });
  return {
    get status() {
      return status;
    },
    get error() {
      return error;
    }
  };
}
