/**
 * Series helpers for LineChart: the points inside an x window, and decimation that keeps the
 * shape (first, min, max, last per pixel column) so a 100,000-step loss curve draws as fast as a
 * 1,000-step one.
 */

export interface Point {
  x: number;
  y: number;
}

export interface LineSeries {
  id: string;
  label: string;
  /** Sorted by x. */
  points: readonly Point[];
  /** Any CSS colour; default: the palette's next --series-N. */
  color?: string;
  dashed?: boolean;
}

/** Index of the first point with x >= value (points sorted by x). */
export function lowerBound(points: readonly Point[], value: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid].x < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The points within [x0, x1] plus one neighbour on each side, so lines run to the plot's edges. */
export function sliceVisible(points: readonly Point[], x0: number, x1: number): readonly Point[] {
  const i0 = Math.max(0, lowerBound(points, x0) - 1);
  const i1 = Math.min(points.length, lowerBound(points, x1) + 1);
  return i0 === 0 && i1 === points.length ? points : points.slice(i0, i1);
}

/**
 * At most about 4 points per pixel column: the first, lowest, highest and last of the points that
 * fall in it, in x order. Below 2 points per column the input is returned as is.
 */
export function decimate(points: readonly Point[], x0: number, x1: number, columns: number): readonly Point[] {
  if (columns < 1 || points.length <= columns * 2 || x1 <= x0) return points;
  const out: Point[] = [];
  const scale = columns / (x1 - x0);
  let bucket = NaN;
  let first: Point | undefined, min: Point | undefined, max: Point | undefined, last: Point | undefined;
  const flush = () => {
    if (!first) return;
    const keep = [first, min!, max!, last!].filter((p, i, a) => a.indexOf(p) === i);
    keep.sort((a, b) => a.x - b.x);
    out.push(...keep);
  };
  for (const p of points) {
    const b = Math.floor((p.x - x0) * scale);
    if (b !== bucket) {
      flush();
      bucket = b;
      first = min = max = last = p;
      continue;
    }
    if (p.y < min!.y) min = p;
    if (p.y > max!.y) max = p;
    last = p;
  }
  flush();
  return out;
}

/** The point of `points` whose x is nearest to `x`. */
export function nearest(points: readonly Point[], x: number): Point | undefined {
  if (!points.length) return undefined;
  const i = lowerBound(points, x);
  const a = points[Math.max(0, i - 1)];
  const b = points[Math.min(points.length - 1, i)];
  return Math.abs(a.x - x) <= Math.abs(b.x - x) ? a : b;
}

export function seriesColor(s: { color?: string }, i: number): string {
  return s.color ?? `var(--series-${(i % 8) + 1})`;
}
