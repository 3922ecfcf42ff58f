/**
 * Rows of a large result, fetched in blocks as the grid scrolls. Keeps the most recently used
 * blocks (LRU), never asks twice for a block in flight, and aborts loads of blocks the user has
 * scrolled far away from, so flinging through a million rows only loads where the view stops.
 */

export type FetchRows<R> = (offset: number, limit: number, signal: AbortSignal) => Promise<readonly R[]>;

export interface RowCacheOptions {
  blockSize?: number;
  /** Blocks kept in memory. */
  maxBlocks?: number;
  /** Called whenever a block arrives or a load fails. */
  onChange?: () => void;
}

export class RowCache<R> {
  readonly blockSize: number;
  readonly maxBlocks: number;
  #fetch: FetchRows<R>;
  #total: number;
  #onChange: () => void;
  #blocks = new Map<number, readonly R[]>();
  #loading = new Map<number, AbortController>();
  #error: unknown = null;
  #disposed = false;

  constructor(fetch: FetchRows<R>, total: number, opts: RowCacheOptions = {}) {
    this.#fetch = fetch;
    this.#total = total;
    this.blockSize = opts.blockSize ?? 200;
    this.maxBlocks = Math.max(4, opts.maxBlocks ?? 40);
    this.#onChange = opts.onChange ?? (() => {});
  }

  /** The last load failure, until a load succeeds or retry() runs. */
  get error(): unknown {
    return this.#error;
  }

  get loadingBlocks(): number {
    return this.#loading.size;
  }

  /** Row `i`, or undefined while its block is not loaded. */
  get(i: number): R | undefined {
    const b = Math.floor(i / this.blockSize);
    const block = this.#blocks.get(b);
    if (!block) return undefined;
    // Touch for LRU order.
    this.#blocks.delete(b);
    this.#blocks.set(b, block);
    return block[i - b * this.blockSize];
  }

  /** Makes sure rows first..last (inclusive) are loaded or loading; drops loads far outside. */
  want(first: number, last: number): void {
    if (this.#disposed || this.#total === 0) return;
    const lastRow = Math.min(last, this.#total - 1);
    const b0 = Math.floor(Math.max(0, first) / this.blockSize);
    const b1 = Math.floor(Math.max(0, lastRow) / this.blockSize);
    for (const [b, ctl] of this.#loading) {
      if (b < b0 - 1 || b > b1 + 1) {
        ctl.abort();
        this.#loading.delete(b);
      }
    }
    if (this.#error) return; // wait for retry() rather than hammering a failing server
    for (let b = b0; b <= b1; b++) if (!this.#blocks.has(b) && !this.#loading.has(b)) void this.#load(b);
  }

  retry(): void {
    this.#error = null;
    this.#onChange();
  }

  dispose(): void {
    this.#disposed = true;
    for (const ctl of this.#loading.values()) ctl.abort();
    this.#loading.clear();
    this.#blocks.clear();
  }

  async #load(b: number): Promise<void> {
    const ctl = new AbortController();
    this.#loading.set(b, ctl);
    const offset = b * this.blockSize;
    const limit = Math.min(this.blockSize, this.#total - offset);
    try {
      const rows = await this.#fetch(offset, limit, ctl.signal);
      if (ctl.signal.aborted || this.#disposed) return;
      this.#blocks.set(b, rows);
      while (this.#blocks.size > this.maxBlocks) this.#blocks.delete(this.#blocks.keys().next().value as number);
      this.#error = null;
    } catch (e) {
      if (ctl.signal.aborted || this.#disposed) return;
      this.#error = e;
    } finally {
      if (this.#loading.get(b) === ctl) this.#loading.delete(b);
    }
    this.#onChange();
  }
}

/** Largest element height browsers render reliably (Firefox stops near 17.9 million px). */
export const MAX_SCROLL_PX = 8_000_000;

/**
 * Which rows a viewport shows. Past MAX_SCROLL_PX the scroll range is compressed and mapped
 * proportionally onto rows, so a million rows still scroll end to end; below it this is the
 * natural one-pixel-per-pixel mapping.
 */
export function visibleWindow(p: { scrollTop: number; viewport: number; total: number; rowHeight: number; overscan: number }) {
  const content = Math.min(p.total * p.rowHeight, MAX_SCROLL_PX);
  const maxScroll = Math.max(0, content - p.viewport);
  const inView = p.viewport / p.rowHeight;
  const top = Math.min(Math.max(0, p.scrollTop), maxScroll);
  const firstFloat = maxScroll > 0 ? (top / maxScroll) * Math.max(0, p.total - inView) : 0;
  // (The epsilon keeps a scrollTop computed for row N from landing on N-1 by rounding.)
  const first = Math.floor(firstFloat + 1e-6);
  const start = Math.max(0, first - p.overscan);
  const end = Math.min(p.total, first + Math.ceil(inView) + 1 + p.overscan);
  /** Where the `start` row's top sits inside the scrolled content. */
  const layerTop = top - Math.max(0, firstFloat - first) * p.rowHeight - (first - start) * p.rowHeight;
  return { content, maxScroll, first, start, end, layerTop, inView };
}

/** The scrollTop that puts `row` at the top of the viewport. */
export function scrollTopForRow(row: number, p: { viewport: number; total: number; rowHeight: number }): number {
  const content = Math.min(p.total * p.rowHeight, MAX_SCROLL_PX);
  const maxScroll = Math.max(0, content - p.viewport);
  const span = Math.max(0, p.total - p.viewport / p.rowHeight);
  // Whole pixels, rounded up: browsers keep scrollTop in (device) pixels.
  return span > 0 ? Math.min(maxScroll, Math.ceil((row / span) * maxScroll)) : 0;
}
