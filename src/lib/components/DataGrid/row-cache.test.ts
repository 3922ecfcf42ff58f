import { describe, expect, it } from 'vitest';
import { MAX_SCROLL_PX, RowCache, scrollTopForRow, visibleWindow } from './row-cache.ts';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('visibleWindow', () => {
  it('maps scroll pixels one to one for results that fit', () => {
    const w = visibleWindow({ scrollTop: 3000, viewport: 300, total: 1000, rowHeight: 30, overscan: 2 });
    expect(w.content).toBe(30_000);
    expect(w.first).toBe(100);
    expect([w.start, w.end]).toEqual([98, 113]);
    expect(w.layerTop).toBe(98 * 30);
  });

  it('compresses a million rows into a bounded height and still reaches the last row', () => {
    const p = { viewport: 600, total: 1_000_000, rowHeight: 30, overscan: 0 };
    const top = visibleWindow({ ...p, scrollTop: 0 });
    expect(top.content).toBe(MAX_SCROLL_PX);
    expect(top.first).toBe(0);
    const bottom = visibleWindow({ ...p, scrollTop: MAX_SCROLL_PX });
    expect(bottom.end).toBe(1_000_000);
    expect(bottom.first).toBe(1_000_000 - 20);
    // The rows drawn end exactly at the bottom of the content.
    expect(bottom.layerTop + (bottom.end - bottom.start) * 30).toBeCloseTo(MAX_SCROLL_PX, 6);
    const mid = scrollTopForRow(500_000, p);
    expect(visibleWindow({ ...p, scrollTop: mid }).first).toBe(500_000);
  });
});

describe('RowCache', () => {
  const source = (log: string[], fail = new Set<number>()) => async (offset: number, limit: number, signal: AbortSignal) => {
    log.push(`${offset}+${limit}`);
    await tick();
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
    if (fail.has(offset)) throw new Error(`block at ${offset} failed`);
    return Array.from({ length: limit }, (_, i) => ({ n: offset + i }));
  };

  it('loads the blocks a window needs, once, and serves rows from them', async () => {
    const log: string[] = [];
    let changes = 0;
    const c = new RowCache(source(log), 1050, { blockSize: 100, onChange: () => changes++ });
    c.want(95, 210);
    c.want(95, 210);
    expect(c.get(150)).toBeUndefined();
    await tick();
    await tick();
    expect(log).toEqual(['0+100', '100+100', '200+100']);
    expect(c.get(150)).toEqual({ n: 150 });
    expect(changes).toBe(3);
    c.want(1000, 1100);
    await tick();
    await tick();
    expect(log.at(-1)).toBe('1000+50');
    expect(c.get(1049)).toEqual({ n: 1049 });
  });

  it('drops least recently used blocks and aborts loads far from the view', async () => {
    const log: string[] = [];
    const c = new RowCache(source(log), 100_000, { blockSize: 10, maxBlocks: 4 });
    c.want(0, 59); // six blocks, only four kept
    await tick();
    await tick();
    expect(c.get(0)).toBeUndefined();
    expect(c.get(55)).toEqual({ n: 55 });
    c.want(50_000, 50_009); // jump: loading…
    c.want(90_000, 90_009); // …and away again before it arrived
    await tick();
    await tick();
    expect(c.get(50_000)).toBeUndefined();
    expect(c.get(90_000)).toEqual({ n: 90_000 });
  });

  it('holds a failure until retry, then loads again', async () => {
    const log: string[] = [];
    const fail = new Set([0]);
    const c = new RowCache(source(log, fail), 50, { blockSize: 10 });
    c.want(0, 9);
    await tick();
    await tick();
    expect((c.error as Error).message).toBe('block at 0 failed');
    c.want(0, 9);
    expect(log).toEqual(['0+10']);
    fail.clear();
    c.retry();
    c.want(0, 9);
    await tick();
    await tick();
    expect(c.error).toBeNull();
    expect(c.get(3)).toEqual({ n: 3 });
  });
});
