import { describe, expect, it } from 'vitest';
import { missReason } from './explain.ts';
import type { KeyIngredients } from './types.ts';

const base: KeyIngredients = { kind: 'filter', params_sha256: 'p1', inputs: [{ name: 'tickets', key: 'k1' }], engine_version: '0.1.0' };

describe('why a stage re-ran', () => {
  it('names what changed since the earlier run', () => {
    expect(missReason(null, base)).toBe('no cached output');
    expect(missReason(base, base)).toBe('no cached output');
    expect(missReason(base, { ...base, params_sha256: 'p2' })).toBe('parameters changed');
    expect(missReason(base, { ...base, inputs: [{ name: 'tickets', key: 'k2' }] })).toBe('input changed: tickets');
    expect(missReason(base, { ...base, engine_version: '0.2.0' })).toBe('engine version changed (0.1.0 → 0.2.0)');
    expect(missReason(base, { ...base, params_sha256: 'p2', inputs: [{ name: 'tickets', key: 'k2' }] })).toBe('parameters changed; input changed: tickets');
    expect(missReason(base, { ...base, inputs: [{ name: 'faq', key: 'k1' }] })).toBe('inputs changed (tickets → faq)');
  });
});
