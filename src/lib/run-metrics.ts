/**
 * Training metrics (metrics.jsonl lines, OpenAI names) as chart series: one series per train
 * stage and metric, x = optimizer step. Lines arrive in batches (replayed, then live); a resumed
 * run logs the steps between its checkpoint and the kill twice, and the later line of a step
 * wins (as the trainer's readers do), so a step at or before the last one replaces the tail.
 * Pure: the run page feeds LiveSeries from it, the compare page plain series.
 */
import type { MetricLine } from '../engine/train/metrics.ts';
import type { Point } from '$lib/charts/series';

export type MetricKey = 'train_loss' | 'valid_loss' | 'full_valid_loss' | 'train_mean_token_accuracy' | 'valid_mean_token_accuracy' | 'full_valid_mean_token_accuracy' | 'lr';

export interface MetricSeriesSpec {
  key: MetricKey;
  label: string;
  dashed?: boolean;
}

/** The three charts of the run page and the series each plots. */
export const METRIC_CHARTS: Record<'loss' | 'accuracy' | 'lr', MetricSeriesSpec[]> = {
  loss: [
    { key: 'train_loss', label: 'train loss' },
    { key: 'valid_loss', label: 'valid loss (sample)' },
    { key: 'full_valid_loss', label: 'valid loss (full, epoch end)', dashed: true }
  ],
  accuracy: [
    { key: 'train_mean_token_accuracy', label: 'train token accuracy' },
    { key: 'valid_mean_token_accuracy', label: 'valid token accuracy (sample)' },
    { key: 'full_valid_mean_token_accuracy', label: 'valid token accuracy (full)', dashed: true }
  ],
  lr: [{ key: 'lr', label: 'learning rate' }]
};

export const TRACKED: readonly MetricKey[] = Object.values(METRIC_CHARTS).flatMap((c) => c.map((s) => s.key));

export function seriesId(stage: string | undefined | null, key: MetricKey): string {
  return `${stage ?? ''}/${key}`;
}

/** What a batch did to a series: new points at its end, or a rewrite (a repeated step). */
export type SeriesChange = { kind: 'append'; points: Point[] } | { kind: 'reset'; points: Point[] };

/**
 * Adds lines to `store` (series id → points sorted by step) and says what changed per series.
 * `stages` collects the train stages seen, in order.
 */
export function applyLines(store: Map<string, Point[]>, lines: readonly MetricLine[], stages: string[] = []): Map<string, SeriesChange> {
  const changes = new Map<string, SeriesChange>();
  for (const line of lines) {
    const step = line.step;
    if (typeof step !== 'number' || !Number.isFinite(step)) continue;
    const stage = line.stage ?? '';
    if (!stages.includes(stage)) stages.push(stage);
    for (const key of TRACKED) {
      const y = line[key];
      if (typeof y !== 'number' || !Number.isFinite(y)) continue;
      const id = seriesId(stage, key);
      let pts = store.get(id);
      if (!pts) store.set(id, (pts = []));
      const p = { x: step, y };
      const change = changes.get(id);
      if (pts.length && pts[pts.length - 1].x >= step) {
        // A repeated step (a resumed run): keep the later line, drop what came after it before.
        let cut = pts.length;
        while (cut > 0 && pts[cut - 1].x >= step) cut--;
        pts.length = cut;
        pts.push(p);
        changes.set(id, { kind: 'reset', points: pts });
      } else {
        pts.push(p);
        if (change?.kind === 'reset') change.points = pts;
        else if (change) change.points.push(p);
        else changes.set(id, { kind: 'append', points: [p] });
      }
    }
  }
  return changes;
}

/** Points of one metric (of one stage, or of every stage when null) from a finished run's lines. */
export function metricPoints(lines: readonly MetricLine[], key: MetricKey, stage: string | null = null): Point[] {
  const store = new Map<string, Point[]>();
  applyLines(store, stage === null ? lines : lines.filter((l) => (l.stage ?? '') === stage));
  const out: Point[] = [];
  for (const [id, pts] of store) if (id.endsWith(`/${key}`)) out.push(...pts);
  return out.sort((a, b) => a.x - b.x);
}
