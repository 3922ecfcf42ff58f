/**
 * Reads an append-only JSON Lines file from a byte offset and keeps following it as lines are
 * appended (runs' events.jsonl and metrics.jsonl while a run is live). Byte offsets make resuming
 * exact: each record carries `next`, the offset just after its line, which is what a reconnecting
 * client sends back (the SSE event id).
 *
 *   for await (const r of tailJsonl(file, 0, signal)) if (r.ok) send({ event: 'log', data: r.value, id: r.next });
 *
 * - The file may not exist yet: the tail waits for it to appear.
 * - A line counts only once its newline is written; a partial last line waits for the rest
 *   (with follow: false, reading stops before it, and its offset is where to resume).
 * - A line that is not JSON is yielded as { ok: false } with its text; the tail goes on.
 * - Blank lines are skipped. A file that shrinks was not append-only: that is an error.
 * - Ends when `signal` aborts (or, with follow: false, at the current end of the file).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

export type TailRecord<T = unknown> =
  | { ok: true; value: T; offset: number; next: number }
  | { ok: false; error: string; text: string; offset: number; next: number };

export interface TailOptions {
  /** Keep following appends (default) or stop at the end of what is there now. */
  follow?: boolean;
  /** Upper bound on the wait between checks; file-system notifications usually wake it sooner. */
  pollMs?: number;
  /** Bytes read per read() call. */
  chunkBytes?: number;
}

const NEWLINE = 0x0a;

/** Wakes a waiting reader on a change notification, a timeout or an abort, whichever is first. */
class Waker {
  #dirty = false;
  #resolve: (() => void) | undefined;

  notify() {
    this.#dirty = true;
    this.#resolve?.();
  }

  async wait(ms: number, signal?: AbortSignal) {
    if (!this.#dirty && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          this.#resolve = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
        this.#resolve = done;
      });
    }
    this.#dirty = false;
  }
}

function parseLine<T>(bytes: Uint8Array, offset: number, next: number): TailRecord<T> | null {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (!text.trim()) return null;
  try {
    return { ok: true, value: JSON.parse(text) as T, offset, next };
  } catch (e) {
    return { ok: false, error: `line at byte ${offset} is not JSON: ${(e as Error).message}`, text, offset, next };
  }
}

export async function* tailJsonl<T = unknown>(file: string, fromOffset = 0, signal?: AbortSignal, opts: TailOptions = {}): AsyncGenerator<TailRecord<T>> {
  const follow = opts.follow ?? true;
  const pollMs = opts.pollMs ?? 250;
  const chunk = Buffer.alloc(opts.chunkBytes ?? 64 * 1024);
  const waker = new Waker();
  let watcher: fs.FSWatcher | undefined;
  let fh: fsp.FileHandle | undefined;
  /** Offset of the first byte of `pending`, the start of the line being assembled. */
  let lineStart = fromOffset;
  /** Bytes after lineStart read so far that do not yet end with a newline. */
  let pending: Buffer = Buffer.alloc(0);

  const watch = () => {
    if (watcher || !follow) return;
    try {
      // Watch the folder: it also reports the file being created.
      watcher = fs.watch(path.dirname(file), { persistent: false }, () => waker.notify());
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      // Folder not there yet, or watching unsupported: polling alone still works.
    }
  };

  try {
    while (!signal?.aborted) {
      watch();
      if (!fh) {
        try {
          fh = await fsp.open(file, 'r');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          if (!follow) return;
          await waker.wait(pollMs, signal);
          continue;
        }
      }
      const size = (await fh.stat()).size;
      const readFrom = lineStart + pending.length;
      if (size < readFrom) throw new Error(`${file} shrank to ${size} bytes while being read at byte ${readFrom}: it is not append-only`);
      if (size === readFrom) {
        if (!follow) return;
        await waker.wait(pollMs, signal);
        continue;
      }
      let pos = readFrom;
      while (pos < size && !signal?.aborted) {
        const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, size - pos), pos);
        if (bytesRead === 0) break;
        pos += bytesRead;
        const data = pending.length ? Buffer.concat([pending, chunk.subarray(0, bytesRead)]) : Buffer.from(chunk.subarray(0, bytesRead));
        let start = 0;
        for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
          const offset = lineStart + start;
          const next = lineStart + nl + 1;
          const record = parseLine<T>(data.subarray(start, nl), offset, next);
          start = nl + 1;
          if (record) yield record;
          if (signal?.aborted) return;
        }
        lineStart += start;
        pending = data.subarray(start);
      }
    }
  } finally {
    watcher?.close();
    await fh?.close();
  }
}
