import { describe, expect, it } from 'vitest';
import type { MetricLine } from '../engine/train/metrics.ts';
import { applyLines, metricPoints, seriesId } from './run-metrics.ts';

const line = (step: number, extra: Partial<MetricLine> = {}): MetricLine => ({ stage: 'tuned', step, total_steps: 10, epoch: step / 5, elapsed_ms: step * 100, ts: '2026-01-01T00:00:00Z', ...extra });

describe('metrics lines as chart series', () => {
  it('makes one series per stage and metric, appending new steps', () => {
    const store = new Map();
    const stages: string[] = [];
    const first = applyLines(store, [line(1, { train_loss: 3, lr: 1e-3 }), line(2, { train_loss: 2.5, valid_loss: 2.9, lr: 9e-4 })], stages);
    expect(stages).toEqual(['tuned']);
    expect(first.get(seriesId('tuned', 'train_loss'))).toEqual({ kind: 'append', points: [{ x: 1, y: 3 }, { x: 2, y: 2.5 }] });
    expect(first.get(seriesId('tuned', 'valid_loss'))).toEqual({ kind: 'append', points: [{ x: 2, y: 2.9 }] });
    expect(first.has(seriesId('tuned', 'full_valid_loss'))).toBe(false);
    const next = applyLines(store, [line(3, { train_loss: 2 })], stages);
    expect(next.get(seriesId('tuned', 'train_loss'))).toEqual({ kind: 'append', points: [{ x: 3, y: 2 }] });
    expect(store.get(seriesId('tuned', 'train_loss'))).toEqual([{ x: 1, y: 3 }, { x: 2, y: 2.5 }, { x: 3, y: 2 }]);
  });

  it('keeps the later line of a repeated step (a resumed run) and drops what followed it', () => {
    const store = new Map();
    applyLines(store, [1, 2, 3, 4].map((s) => line(s, { train_loss: 10 - s })));
    // resumed from the checkpoint at step 2: steps 3 and 4 are logged again with new values
    const change = applyLines(store, [line(3, { train_loss: 6.5 }), line(4, { train_loss: 5.5 }), line(5, { train_loss: 5 })]);
    expect(change.get(seriesId('tuned', 'train_loss'))?.kind).toBe('reset');
    expect(store.get(seriesId('tuned', 'train_loss'))).toEqual([
      { x: 1, y: 9 },
      { x: 2, y: 8 },
      { x: 3, y: 6.5 },
      { x: 4, y: 5.5 },
      { x: 5, y: 5 }
    ]);
  });

  it('separates train stages and skips lines without a step or with non-finite values', () => {
    const lines = [line(1, { train_loss: 3 }), line(1, { stage: 'second', train_loss: 1 }), { ...line(2), step: Number.NaN, train_loss: 9 }, line(2, { train_loss: Number.POSITIVE_INFINITY })];
    const stages: string[] = [];
    applyLines(new Map(), lines, stages);
    expect(stages).toEqual(['tuned', 'second']);
    expect(metricPoints(lines, 'train_loss', 'second')).toEqual([{ x: 1, y: 1 }]);
    expect(metricPoints(lines, 'train_loss', 'tuned')).toEqual([{ x: 1, y: 3 }]);
    expect(metricPoints(lines, 'train_loss')).toHaveLength(2);
    expect(metricPoints(lines, 'lr')).toEqual([]);
  });
});
