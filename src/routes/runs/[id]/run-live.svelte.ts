/**
 * A run followed live on its page: its events (GET /api/runs/ID/events, replayed then followed)
 * for the log and the running stages' progress, and its training metrics (GET
 * /api/runs/ID/metrics) as chart series. Both streams end on their own once the run is final, so
 * a finished run is read the same way. Stage transitions call `onchange` (the page then reloads
 * the status, which has rows, times and cache reasons).
 */
import { subscribe, type SseSubscription } from '$lib/api/sse';
import { LiveSeries } from '$lib/charts/live-series.svelte';
import type { Point } from '$lib/charts/series';
import { runEventsUrl, type RunEvent } from '$lib/pipeline-run';
import { applyLines, METRIC_CHARTS, seriesId, type MetricKey } from '$lib/run-metrics';
import { runMetricsUrl, type MetricsBatch } from '$lib/runs';

/** Events kept for the log (the oldest go first past this). */
const KEEP_EVENTS = 5000;
const TRANSITIONS = new Set(['run_started', 'run_finished', 'stage_started', 'stage_cached', 'stage_finished', 'stage_failed', 'stage_cancelled', 'checkpoint', 'cancel_requested']);

export type Chart = keyof typeof METRIC_CHARTS;

export class RunLive {
  #events = $state.raw<RunEvent[]>([]);
  #progress = $state.raw<Record<string, string>>({});
  #eventsDone = $state(false);
  #metricsDone = $state(false);
  #error = $state.raw<string | null>(null);
  /** Train stages seen in the metrics, in order. */
  #stages = $state.raw<string[]>([]);
  /** Runs whose lines stand in for cached train stages. */
  #borrowed = $state.raw<string[]>([]);
  #series = new Map<string, LiveSeries>();
  #points = new Map<string, Point[]>();
  #version = $state(0);
  #subs: SseSubscription[] = [];

  constructor(
    readonly id: string,
    /** The plan's train stages: with several, series labels name their stage. */
    private readonly trainStages: readonly string[],
    private readonly onchange: () => void
  ) {}

  get events() {
    return this.#events;
  }
  /** Stage id → its latest progress line (debug-level events). */
  get progress() {
    return this.#progress;
  }
  get done() {
    return this.#eventsDone && this.#metricsDone;
  }
  get error() {
    return this.#error;
  }
  get borrowed() {
    return this.#borrowed;
  }

  /** The series of one chart: one per train stage and metric that has points. */
  series(chart: Chart): LiveSeries[] {
    void this.#version;
    const out: LiveSeries[] = [];
    for (const stage of this.#stages) for (const spec of METRIC_CHARTS[chart]) {
      const s = this.#series.get(seriesId(stage, spec.key));
      if (s) out.push(s);
    }
    return out;
  }

  /** Points plotted in a chart (tests and the page's counters read it). */
  count(chart: Chart): number {
    return this.series(chart).reduce((n, s) => n + s.points.length, 0);
  }

  #seriesFor(stage: string, key: MetricKey): LiveSeries {
    const id = seriesId(stage, key);
    let s = this.#series.get(id);
    if (!s) {
      const spec = Object.values(METRIC_CHARTS)
        .flat()
        .find((x) => x.key === key)!;
      const label = this.trainStages.length > 1 ? `${stage}: ${spec.label}` : spec.label;
      s = new LiveSeries(id, label, undefined, spec.dashed);
      this.#series.set(id, s);
      this.#version++;
    }
    return s;
  }

  #onMetrics(b: MetricsBatch) {
    if (b.from && !this.#borrowed.includes(b.from)) this.#borrowed = [...this.#borrowed, b.from];
    const stages = [...this.#stages];
    const changes = applyLines(this.#points, b.lines, stages);
    if (stages.length !== this.#stages.length) this.#stages = stages;
    for (const [id, change] of changes) {
      const slash = id.lastIndexOf('/');
      const s = this.#seriesFor(id.slice(0, slash), id.slice(slash + 1) as MetricKey);
      if (change.kind === 'append') s.append(...change.points);
      else s.reset(change.points);
    }
  }

  #onEvent(e: RunEvent) {
    if (e.level === 'debug' && e.stage) this.#progress = { ...this.#progress, [e.stage]: e.message };
    const next = this.#events.length >= KEEP_EVENTS ? [...this.#events.slice(-KEEP_EVENTS + 1), e] : [...this.#events, e];
    this.#events = next;
    if (TRANSITIONS.has(e.type)) this.onchange();
  }

  /** Connects both streams; returns the function that closes them. */
  follow(): () => void {
    const onError = (m: string) => (this.#error = m);
    this.#subs = [
      subscribe<{ message: RunEvent; end: unknown }>(runEventsUrl(this.id), { message: (e) => this.#onEvent(e), end: () => ((this.#eventsDone = true), this.onchange()) }, { onError }),
      subscribe<{ metrics: MetricsBatch; end: unknown }>(runMetricsUrl(this.id), { metrics: (b) => this.#onMetrics(b), end: () => (this.#metricsDone = true) }, { onError })
    ];
    return () => this.close();
  }

  close(): void {
    for (const s of this.#subs) s.close();
    this.#subs = [];
  }
}
