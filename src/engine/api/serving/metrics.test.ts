import { expect, it } from 'vitest';
import { aggregate, percentile, type ServingRecord } from './metrics.ts';

const rec = (i: number, over: Partial<ServingRecord> = {}): ServingRecord => ({ ts: new Date(Date.parse('2026-01-01T00:00:00Z') + i * 500).toISOString(), model: 'm', stream: true, n: 1, ok: true, status: 200, ttft_ms: 10 * (i + 1), latency_ms: 100 * (i + 1), prompt_tokens: 5, completion_tokens: 10, decode_tokens_per_s: 50 + i, load_ms: 0, ...over });

it('computes nearest-rank percentiles', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(xs, 50)).toBe(50);
  expect(percentile(xs, 99)).toBe(99);
  expect(percentile(xs, 100)).toBe(100);
  expect(percentile([], 50)).toBeNull();
});

it('aggregates time to first token, latency, decode speed and request rate per model', () => {
  const records = [...Array.from({ length: 10 }, (_, i) => rec(i)), rec(10, { ok: false, status: 500, ttft_ms: null })];
  const s = aggregate('m', records, Date.parse('2026-01-01T00:00:30Z'));
  expect(s.requests).toBe(11);
  expect(s.errors).toBe(1);
  expect(s.ttft_p50_ms).toBe(50);
  expect(s.latency_p99_ms).toBe(1000);
  expect(s.tokens_per_s).toBe(54);
  expect(s.requests_per_s).toBe(2.2); // 11 requests over 5 s
  expect(s.requests_per_s_1m).toBeCloseTo(11 / 60, 1);
});
