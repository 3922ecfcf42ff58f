import { expect, it } from 'vitest';
import type { ModelInfo } from './catalog.ts';
import { DEFAULT_RETENTION_MS, retentionMs, retentionOf } from './retention.ts';
import type { ModelsState } from './state.ts';

const model = (over: Partial<ModelInfo> = {}): ModelInfo => ({ id: 'ft:m:o::t', kind: 'fine-tuned', base: 'm', dir: '/x', created: 0, owned_by: 'o', job: 'ftjob-x', run_id: 'r', stage: 's', pipeline: 'p', step: null, finished_at: '2026-01-01T00:00:00.000Z', ...over });
const state = (over: Partial<ModelsState> = {}): ModelsState => ({ format: 'tunebench.api-models', version: 1, pinned: {}, deleted: {}, exports: {}, ...over });

it('reads the retention period: 15 days by default, durations, or never', () => {
  expect(retentionMs({})).toBe(DEFAULT_RETENTION_MS);
  expect(DEFAULT_RETENTION_MS).toBe(15 * 86_400_000);
  expect(retentionMs({ TUNEBENCH_MODEL_RETENTION: '36h' })).toBe(36 * 3_600_000);
  expect(retentionMs({ TUNEBENCH_MODEL_RETENTION: '2' })).toBe(2 * 86_400_000);
  expect(retentionMs({ TUNEBENCH_MODEL_RETENTION: 'never' })).toBeNull();
  expect(() => retentionMs({ TUNEBENCH_MODEL_RETENTION: 'soon' })).toThrow(/duration/);
});

it('expires fine-tuned models (of jobs and of workbench runs) that are neither pinned nor exported', () => {
  expect(retentionOf(model(), state(), {}).expires_at).toBe('2026-01-16T00:00:00.000Z');
  expect(retentionOf(model(), state({ pinned: { 'ft:m:o::t': 'x' } }), {})).toEqual({ pinned: true, exported: false, expires_at: null });
  expect(retentionOf(model(), state({ exports: { 'ft:m:o::t': [{ format: 'int8', path: 'p', created_at: 'x', bytes: 1 }] } }), {})).toEqual({ pinned: false, exported: true, expires_at: null });
  expect(retentionOf(model({ kind: 'base' }), state(), {}).expires_at).toBeNull();
  expect(retentionOf(model({ job: null }), state(), {}).expires_at).toBe('2026-01-16T00:00:00.000Z'); // a workbench run's model too
  expect(retentionOf(model({ kind: 'checkpoint' }), state(), {}).expires_at).toBeNull(); // goes with its model
  expect(retentionOf(model(), state(), { TUNEBENCH_MODEL_RETENTION: 'never' }).expires_at).toBeNull();
});
