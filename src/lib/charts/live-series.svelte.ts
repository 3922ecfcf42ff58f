/**
 * A series that grows while a run is live. Appends are batched per animation frame, so an SSE
 * stream of hundreds of metric events a second redraws the chart at most once a frame.
 *
 *   const train = new LiveSeries('train', 'train loss');
 *   useSse<RunEvents>(url, { metric: (m) => train.append({ x: m.step, y: m.loss }) });
 *   <LineChart series={[train, valid]} />
 */
import type { LineSeries, Point } from './series.ts';

export class LiveSeries implements LineSeries {
  #points = $state.raw<readonly Point[]>([]);
  #buffer: Point[] = [];
  #scheduled = false;

  constructor(
    readonly id: string,
    readonly label: string,
    readonly color?: string,
    readonly dashed?: boolean
  ) {}

  get points(): readonly Point[] {
    return this.#points;
  }

  append(...points: Point[]): void {
    this.#buffer.push(...points);
    if (this.#scheduled) return;
    this.#scheduled = true;
    const schedule = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (f: () => void) => setTimeout(f, 16);
    schedule(() => this.flush());
  }

  /** Applies buffered points now (tests, or before reading `points` synchronously). */
  flush(): void {
    this.#scheduled = false;
    if (!this.#buffer.length) return;
    const add = this.#buffer;
    this.#buffer = [];
    const last = this.#points[this.#points.length - 1];
    // Events can arrive out of order after a reconnect; keep the series sorted by x.
    const sorted = !last || add.every((p, i) => p.x >= (i ? add[i - 1].x : last.x));
    this.#points = sorted ? [...this.#points, ...add] : [...this.#points, ...add].sort((a, b) => a.x - b.x);
  }

  reset(points: readonly Point[] = []): void {
    this.#buffer = [];
    this.#points = [...points].sort((a, b) => a.x - b.x);
  }
}
