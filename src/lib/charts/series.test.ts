import { describe, expect, it } from 'vitest';
import { decimate, lowerBound, nearest, sliceVisible, type Point } from './series.ts';
import { LiveSeries } from './live-series.svelte.ts';

const line = (n: number, f: (i: number) => number): Point[] => Array.from({ length: n }, (_, i) => ({ x: i, y: f(i) }));

describe('series helpers', () => {
  it('finds the visible window with one neighbour each side', () => {
    const pts = line(100, (i) => i);
    expect(lowerBound(pts, 10.5)).toBe(11);
    const v = sliceVisible(pts, 10.5, 19.5);
    expect([v[0].x, v[v.length - 1].x]).toEqual([10, 20]);
    expect(sliceVisible(pts, -5, 500)).toBe(pts);
  });

  it('decimates to first, min, max and last per pixel column, keeping every extreme', () => {
    const pts = line(100_000, (i) => Math.sin(i / 50) + (i === 77_777 ? 10 : 0));
    const out = decimate(pts, 0, 99_999, 500);
    expect(out.length).toBeLessThanOrEqual(4 * 501);
    expect(out.length).toBeGreaterThan(500);
    expect(Math.max(...out.map((p) => p.y))).toBe(Math.max(...pts.map((p) => p.y)));
    expect(Math.min(...out.map((p) => p.y))).toBe(Math.min(...pts.map((p) => p.y)));
    expect(out[0]).toBe(pts[0]);
    expect(out[out.length - 1]).toBe(pts[pts.length - 1]);
    for (let i = 1; i < out.length; i++) expect(out[i].x).toBeGreaterThan(out[i - 1].x);
    const few = line(50, (i) => i);
    expect(decimate(few, 0, 49, 500)).toBe(few);
  });

  it('finds the nearest point by x', () => {
    const pts = [0, 10, 20].map((x) => ({ x, y: x }));
    expect(nearest(pts, 4)?.x).toBe(0);
    expect(nearest(pts, 6)?.x).toBe(10);
    expect(nearest(pts, 99)?.x).toBe(20);
    expect(nearest([], 1)).toBeUndefined();
  });

  it('LiveSeries batches appends and keeps points sorted', () => {
    const s = new LiveSeries('train', 'train loss');
    s.append({ x: 1, y: 3 }, { x: 2, y: 2.5 });
    s.append({ x: 3, y: 2 });
    expect(s.points).toEqual([]); // not before the frame
    s.flush();
    expect(s.points.map((p) => p.x)).toEqual([1, 2, 3]);
    s.append({ x: 2.5, y: 9 });
    s.flush();
    expect(s.points.map((p) => p.x)).toEqual([1, 2, 2.5, 3]);
    s.reset([{ x: 5, y: 1 }, { x: 4, y: 1 }]);
    expect(s.points.map((p) => p.x)).toEqual([4, 5]);
  });
});
