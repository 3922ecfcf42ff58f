/**
 * events.jsonl: the run's append-only log. Each event is one JSON object on one line, appended
 * with a single write, so concurrent readers (the web server tailing a CLI run) see whole lines
 * or a partial last line, which they skip until its newline arrives. Never rewritten.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { EventLevel, RunEvent } from './types.ts';

/** Appends one JSON value as a line (creating the file). Also used for metrics.jsonl. */
export function appendJsonLine(file: string, value: unknown): void {
  fs.appendFileSync(file, JSON.stringify(value) + '\n');
}

export interface EventSink {
  emit(e: { level?: EventLevel; stage?: string | null; type: string; message: string; data?: Record<string, unknown> }): RunEvent;
}

/** Writes events of one run to its events.jsonl and hands each to `listener` as well. */
export function eventLog(file: string, runId: string, listener?: (e: RunEvent) => void): EventSink {
  return {
    emit({ level = 'info', stage = null, type, message, data = {} }) {
      const event: RunEvent = { ts: new Date().toISOString(), run_id: runId, level, stage, type, message, data };
      appendJsonLine(file, event);
      listener?.(event);
      return event;
    }
  };
}

export interface EventRead {
  event: RunEvent;
  /** Byte offset of the line, and of the line after it (where to resume). */
  offset: number;
  next: number;
}

/**
 * Reads the complete lines from byte `from` on. A last line without its newline is not returned
 * (it is being written); `next` of the last event is where to resume. Lines that are not JSON are
 * skipped.
 */
export async function readEvents(file: string, from = 0): Promise<{ events: EventRead[]; end: number }> {
  let buf: Buffer;
  try {
    const fh = await fsp.open(file, 'r');
    try {
      const size = (await fh.stat()).size;
      buf = Buffer.alloc(Math.max(0, size - from));
      if (buf.length) await fh.read(buf, 0, buf.length, from);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], end: from };
    throw e;
  }
  const events: EventRead[] = [];
  let start = 0;
  for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
    const text = buf.subarray(start, nl).toString('utf8').trim();
    const offset = from + start;
    start = nl + 1;
    if (!text) continue;
    try {
      events.push({ event: JSON.parse(text) as RunEvent, offset, next: from + start });
    } catch {
      // a damaged line: skip it, keep reading
    }
  }
  return { events, end: from + start };
}

/**
 * Follows a run's events from byte `from`: yields what is there, then waits for appends (file
 * notifications, with polling as the fallback) until `isFinished()` says the run ended and the
 * file has been read to its end, or `signal` aborts. The web server turns this into SSE; the byte
 * offset `next` is the event id a reconnecting client sends back.
 */
export async function* followEvents(file: string, opts: { from?: number; signal?: AbortSignal; isFinished: () => Promise<boolean>; pollMs?: number }): AsyncGenerator<EventRead> {
  let pos = opts.from ?? 0;
  const pollMs = opts.pollMs ?? 250;
  let wake: (() => void) | null = null;
  let watcher: fs.FSWatcher | null = null;
  try {
    watcher = fs.watch(file.replace(/[^/\\]+$/, ''), { persistent: false }, () => wake?.());
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = null; // polling alone still works
  }
  try {
    while (!opts.signal?.aborted) {
      const finished = await opts.isFinished();
      const { events, end } = await readEvents(file, pos);
      for (const e of events) {
        if (opts.signal?.aborted) return;
        yield e;
      }
      pos = end;
      if (finished && events.length === 0) return;
      if (events.length) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', done);
          wake = null;
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        opts.signal?.addEventListener('abort', done, { once: true });
        wake = done;
      });
    }
  } finally {
    watcher?.close();
  }
}
