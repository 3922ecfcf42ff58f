/**
 * One run of the pipeline, followed from the editor: start it (POST /api/runs), then its events
 * over SSE (the run's events.jsonl) until it ends. Keeps what the side panel shows: the run's
 * state, each stage's state and progress, and the recent events.
 */
import { api } from '$lib/api/client';
import { subscribe, type SseSubscription } from '$lib/api/sse';
import type { DagStatus } from '$lib/charts/types';
import { runEventsUrl, statusFromEvent, type RunEvent, type RunStarted } from '$lib/pipeline-run';

export type RunPhase = 'idle' | 'starting' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

const KEEP_EVENTS = 300;

export class RunFollower {
  #phase = $state<RunPhase>('idle');
  #runId = $state<string | null>(null);
  #stages = $state.raw<Record<string, DagStatus>>({});
  /** The latest progress line (a debug-level event) of each stage. */
  #progress = $state.raw<Record<string, string>>({});
  #events = $state.raw<RunEvent[]>([]);
  #error = $state.raw<unknown>(null);
  #sub: SseSubscription | null = null;

  get phase() {
    return this.#phase;
  }
  get runId() {
    return this.#runId;
  }
  /** Stage id → status from this run's events. */
  get stages() {
    return this.#stages;
  }
  get progress() {
    return this.#progress;
  }
  /** Recent events, oldest first (debug-level progress ticks are folded into `progress`). */
  get events() {
    return this.#events;
  }
  get error() {
    return this.#error;
  }
  get active() {
    return this.#phase === 'starting' || this.#phase === 'queued' || this.#phase === 'running';
  }

  async start(pipeline: string): Promise<void> {
    this.stop();
    this.#phase = 'starting';
    this.#runId = null;
    this.#stages = {};
    this.#progress = {};
    this.#events = [];
    this.#error = null;
    try {
      const r = await api.post<RunStarted>('/api/runs', { pipeline });
      this.#runId = r.runId;
      this.#phase = 'queued';
      this.#follow(r.runId);
    } catch (e) {
      this.#error = e;
      this.#phase = 'failed';
    }
  }

  #follow(id: string) {
    const end = (d: unknown) => {
      if (this.active) this.#phase = (d as { status?: RunPhase } | undefined)?.status ?? 'failed';
    };
    // Every run event comes as a plain message (the set of types is open); `end` closes.
    this.#sub = subscribe<{ message: RunEvent; end: unknown }>(runEventsUrl(id), { message: (e) => this.#on(e), end }, { onError: (m) => (this.#error = new Error(m)) });
  }

  #on(e: RunEvent) {
    if (e.type === 'run_started') this.#phase = 'running';
    else if (e.type === 'run_finished') this.#phase = ((e.data.status as RunPhase) ?? 'failed');
    const s = statusFromEvent(e.type);
    if (s && e.stage) this.#stages = { ...this.#stages, [e.stage]: s };
    if (e.level === 'debug') {
      if (e.stage) this.#progress = { ...this.#progress, [e.stage]: e.message };
      return;
    }
    const next = [...this.#events, e];
    this.#events = next.length > KEEP_EVENTS ? next.slice(-KEEP_EVENTS) : next;
  }

  stop(): void {
    this.#sub?.close();
    this.#sub = null;
  }
}
