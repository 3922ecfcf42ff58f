/**
 * A run's status moved forward by its events, so the stage timeline changes the moment an event
 * arrives rather than when the next status.json read comes back. Events only move things forward
 * (pending → running → finished): replaying an old event over a newer status.json changes
 * nothing, and the status file, reloaded after transitions, stays the source of truth.
 */
import type { RunEvent, RunStatus, StageError, StageStatus } from '../engine/runs/types.ts';

const STAGE_RANK: Record<string, number> = { pending: 0, running: 1, succeeded: 2, failed: 2, cancelled: 2, skipped: 2 };
const RUN_RANK: Record<string, number> = { queued: 0, running: 1, succeeded: 2, failed: 2, cancelled: 2 };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function stageUpdate(st: StageStatus, e: RunEvent): Partial<StageStatus> | null {
  const d = e.data;
  switch (e.type) {
    case 'stage_started':
      return { state: 'running', started_at: e.ts, cache: { key: (d.key as string | null) ?? null, hit: false, reason: String(d.reason ?? ''), ingredients: st.cache?.ingredients ?? null } };
    case 'stage_cached':
      return { state: 'succeeded', finished_at: e.ts, started_at: st.started_at ?? e.ts, elapsed_ms: num(d.elapsed_ms), rows_in: num(d.rows_in), rows_out: num(d.rows_out), cache: { key: (d.key as string | null) ?? null, hit: true, reason: 'cached output reused', ingredients: st.cache?.ingredients ?? null } };
    case 'stage_finished':
      return { state: 'succeeded', finished_at: e.ts, elapsed_ms: num(d.elapsed_ms), rows_in: num(d.rows_in), rows_out: num(d.rows_out) };
    case 'stage_failed':
      return { state: 'failed', finished_at: e.ts, error: (d.error as StageError | undefined) ?? st.error };
    case 'stage_cancelled':
      return { state: 'cancelled', finished_at: e.ts, elapsed_ms: num(d.elapsed_ms) };
    default:
      return null;
  }
}

/** `status` with `events` applied in order (a new object; the input is not changed). */
export function applyEvents(status: RunStatus, events: readonly RunEvent[]): RunStatus {
  let out = status;
  const stageAt = new Map(status.stages.map((s, i) => [s.id, i]));
  for (const e of events) {
    if (e.type === 'run_started' && RUN_RANK[out.status] < 1) out = { ...out, status: 'running', started_at: out.started_at ?? e.ts };
    else if (e.type === 'run_finished') {
      const final = e.data.status as RunStatus['status'] | undefined;
      if (final && RUN_RANK[final] === 2 && RUN_RANK[out.status] < 2) out = { ...out, status: final, finished_at: e.ts, elapsed_ms: num(e.data.elapsed_ms) ?? out.elapsed_ms };
    } else if (e.stage !== null && stageAt.has(e.stage)) {
      const i = stageAt.get(e.stage)!;
      const st = out.stages[i];
      const up = stageUpdate(st, e);
      // A finished stage stays as status.json says; otherwise only forward.
      if (!up || STAGE_RANK[st.state] === 2 || STAGE_RANK[up.state!] < STAGE_RANK[st.state]) continue;
      const stages = [...out.stages];
      stages[i] = { ...st, ...up };
      out = { ...out, stages };
    }
  }
  return out;
}
