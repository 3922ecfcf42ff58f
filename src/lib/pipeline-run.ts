/**
 * A pipeline's plan with each stage's cache status (POST /api/plan), and the run events the
 * editor follows (GET /api/runs/ID/events). Types only cross here; no server imports.
 */
import type { RunEvent, RunState, RunStatus } from '../engine/runs/types.ts';
import type { DagStatus } from '$lib/charts/types';

export type { RunEvent, RunState, RunStatus };

export interface PlanStageInfo {
  id: string;
  kind: string;
  name: string;
  /** Producer stage ids. */
  inputs: string[];
  /** cached: its output is in the stage cache; missing: it will run; uncacheable: always runs. */
  cache: 'cached' | 'missing' | 'uncacheable' | 'unknown';
  note: string | null;
  rows_out: number | null;
}

export interface PlanView {
  pipeline: string;
  stages: PlanStageInfo[];
}

export interface RunStarted {
  runId: string;
  events: string;
  page: string;
}

/** The DAG status a stage shows before a run: cached or will run. */
export function cacheStatus(s: PlanStageInfo): DagStatus {
  return s.cache === 'cached' ? 'cached' : 'pending';
}

/** The DAG status a run event moves a stage to (null: no change). */
export function statusFromEvent(type: string): DagStatus | null {
  switch (type) {
    case 'stage_started':
      return 'running';
    case 'stage_cached':
      return 'cached';
    case 'stage_finished':
      return 'done';
    case 'stage_failed':
      return 'failed';
    case 'stage_cancelled':
    case 'stage_skipped':
      return 'skipped';
    default:
      return null;
  }
}

export function runEventsUrl(id: string): string {
  return `/api/runs/${encodeURIComponent(id)}/events`;
}

export function runPage(id: string): string {
  return `/runs/${encodeURIComponent(id)}`;
}
