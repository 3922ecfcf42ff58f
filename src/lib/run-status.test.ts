import { describe, expect, it } from 'vitest';
import type { RunEvent, RunStatus, StageStatus } from '../engine/runs/types.ts';
import { applyEvents } from './run-status.ts';

const stage = (id: string, over: Partial<StageStatus> = {}): StageStatus => ({ id, kind: 'filter', name: id, span: { start: 0, end: 1 }, state: 'pending', started_at: null, finished_at: null, elapsed_ms: null, rows_in: null, rows_out: null, cache: null, summary: null, outputs: {}, error: null, ...over }) as StageStatus;
const status = (stages: StageStatus[], over: Partial<RunStatus> = {}): RunStatus => ({ format: 'tunebench.run-status', version: 1, run_id: 'r', pipeline: 'p', file: 'p.ftp', rerun_of: null, status: 'queued', created_at: 't0', started_at: null, finished_at: null, elapsed_ms: null, pid: null, host: null, stages, error: null, cancel_reason: null, ...over });
let n = 0;
const ev = (type: string, stageId: string | null, data: Record<string, unknown> = {}): RunEvent => ({ ts: `2026-01-01T00:00:0${n++ % 10}Z`, run_id: 'r', level: 'info', stage: stageId, type, message: '', data });

describe('run status moved forward by events', () => {
  it('follows a run through its stages: running, cache hit, finished with rows, then the run ends', () => {
    const s0 = status([stage('a'), stage('b'), stage('c')]);
    const s = applyEvents(s0, [
      ev('run_started', null),
      ev('stage_cached', 'a', { key: 'k1', rows_in: 10, rows_out: 10, elapsed_ms: 3 }),
      ev('stage_started', 'b', { key: 'k2', reason: 'parameters changed' }),
      ev('stage_progress', 'b', { done: 1, total: 2 })
    ]);
    expect(s.status).toBe('running');
    expect(s.stages.map((x) => x.state)).toEqual(['succeeded', 'running', 'pending']);
    expect(s.stages[0].cache).toMatchObject({ hit: true, key: 'k1' });
    expect(s.stages[0].rows_out).toBe(10);
    expect(s.stages[1].cache).toMatchObject({ hit: false, reason: 'parameters changed' });
    expect(s0.stages[1].state).toBe('pending'); // the input is not changed
    const done = applyEvents(s, [ev('stage_finished', 'b', { rows_in: 10, rows_out: 4, elapsed_ms: 50 }), ev('stage_failed', 'c', { error: { message: 'boom' } }), ev('run_finished', null, { status: 'failed', elapsed_ms: 99 })]);
    expect(done.stages.map((x) => x.state)).toEqual(['succeeded', 'succeeded', 'failed']);
    expect(done.stages[1]).toMatchObject({ rows_out: 4, elapsed_ms: 50 });
    expect(done.stages[2].error).toEqual({ message: 'boom' });
    expect(done).toMatchObject({ status: 'failed', elapsed_ms: 99 });
  });

  it('never moves backwards: replayed events over a newer status change nothing', () => {
    const newer = status([stage('a', { state: 'succeeded', rows_out: 7, elapsed_ms: 12 }), stage('b', { state: 'running' })], { status: 'running' });
    const s = applyEvents(newer, [ev('run_started', null), ev('stage_started', 'a', { reason: 'x' }), ev('stage_finished', 'a', { rows_out: 1 }), ev('stage_started', 'b', { reason: 'y' }), ev('stage_started', 'zz', {})]);
    expect(s.stages[0]).toEqual(newer.stages[0]);
    expect(s.stages[1].state).toBe('running');
    const finished = status([stage('a', { state: 'succeeded' })], { status: 'succeeded', elapsed_ms: 5 });
    expect(applyEvents(finished, [ev('run_finished', null, { status: 'cancelled', elapsed_ms: 1 })])).toEqual(finished);
  });
});
