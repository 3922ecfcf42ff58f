/**
 * Generation off the server's event loop: a pool of worker threads (TUNEBENCH_CHAT_WORKERS,
 * default 1; each holds its own loaded models), started on the first request. A request goes to
 * a worker that already has its model loaded, else to the least busy one. generate() returns an
 * async iterator of events (start, token, done) and stops the worker's job when the consumer
 * stops early (the client disconnected). A worker that dies fails its requests and is replaced.
 */
import { Worker } from 'node:worker_threads';
import { OpenAIError } from '../errors.ts';
import { entryScript } from '../runtime.ts';
import type { FromWorker, GenerateJob, ModelRef } from './protocol.ts';

export type GenerateEvent = Exclude<FromWorker, { type: 'ready' } | { type: 'error' }>;

interface Pending {
  push: (e: FromWorker) => void;
  fail: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  pending: Map<number, Pending>;
  loaded: Set<string>;
}

export function workersFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.TUNEBENCH_CHAT_WORKERS ?? 1);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 16) : 1;
}

export class ChatPool {
  private slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly size = workersFromEnv()) {}

  private start(): Slot {
    const worker = new Worker(entryScript('chat/worker.mjs'), { env: process.env });
    worker.unref();
    const slot: Slot = { worker, pending: new Map(), loaded: new Set(), ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === 'ready') return resolve();
        const p = slot.pending.get((m as { id: number }).id);
        if (!p) return;
        if (m.type === 'done') {
          slot.loaded = new Set(m.loaded);
          slot.pending.delete(m.id);
        } else if (m.type === 'error') slot.pending.delete(m.id);
        p.push(m);
      };
      worker.on('message', onMessage);
      worker.once('error', (e) => {
        reject(e);
        this.retire(slot, e);
      });
      worker.once('exit', (code) => this.retire(slot, new Error(`the generation worker exited (code ${code})`)));
    });
    slot.ready.catch(() => {});
    return slot;
  }

  private retire(slot: Slot, e: Error): void {
    this.slots = this.slots.filter((s) => s !== slot);
    for (const p of slot.pending.values()) p.fail(new OpenAIError(500, `generation failed: ${e.message}`, { code: 'worker_failed' }));
    slot.pending.clear();
  }

  /** Starts the workers now (the playground calls this so its first answer does not wait for them). */
  warm(): void {
    while (!this.closed && this.slots.length < this.size) this.slots.push(this.start());
  }

  private pick(key: string): Slot {
    this.warm();
    const byLoad = [...this.slots].sort((a, b) => a.pending.size - b.pending.size);
    return byLoad.find((s) => s.loaded.has(key) && s.pending.size <= byLoad[0].pending.size + 1) ?? byLoad[0];
  }

  /** Runs one request; events arrive as the worker produces them. */
  async *generate(model: ModelRef, req: Omit<GenerateJob, 'type' | 'id' | 'model'>): AsyncGenerator<GenerateEvent> {
    if (this.closed) throw new OpenAIError(503, 'the server is shutting down', { code: 'shutting_down' });
    const slot = this.pick(model.key);
    await slot.ready;
    const id = this.nextId++;
    const queue: FromWorker[] = [];
    let failure: Error | null = null;
    let wake: (() => void) | null = null;
    slot.pending.set(id, {
      push: (m) => {
        queue.push(m);
        wake?.();
      },
      fail: (e) => {
        failure = e;
        wake?.();
      }
    });
    slot.worker.postMessage({ type: 'generate', id, model, ...req } satisfies GenerateJob);
    let finished = false;
    try {
      for (;;) {
        while (!queue.length && !failure) await new Promise<void>((r) => (wake = r));
        wake = null;
        if (failure) throw failure;
        const m = queue.shift()!;
        if (m.type === 'error') {
          finished = true;
          throw new OpenAIError(m.status === 499 ? 500 : m.status, m.message, { code: m.code, param: m.param });
        }
        if (m.type === 'ready') continue;
        yield m;
        if (m.type === 'done') {
          finished = true;
          return;
        }
      }
    } finally {
      if (!finished && slot.pending.has(id)) {
        slot.pending.delete(id);
        slot.worker.postMessage({ type: 'cancel', id });
      }
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}
