/**
 * Runs as the runs, run and compare pages see them: the list row, the detail view (status,
 * eval results with their metric cards, checkpoints, exports), prediction pages, and their URLs.
 * Shared by the server loads, the /api routes and the pages; types only cross from the engine.
 */
import type { RunBasics, RunManifest, RunState, RunStatus, StageStatus } from '../engine/runs/types.ts';
import type { MetricCard } from '../engine/eval/index.ts';
import type { MetricLine } from '../engine/train/metrics.ts';

export type { RunManifest, RunState, RunStatus, StageStatus, MetricCard, MetricLine };

/** A row of the runs list: the engine's RunBasics (a stale run's status shows as failed: shownStatus). */
export interface RunRow extends RunBasics {
  id: string;
  /** Last validation loss (full validation at an epoch end when there is one, else the sampled one). */
  val_loss: number | null;
  train_loss: number | null;
  /** Scores of the last model of the run's last finished eval stage. */
  eval: { stage: string; model: string; models: string[]; scores: Record<string, number> } | null;
}

/** The status a list or badge shows: a stale run reads failed. */
export function shownStatus(r: { status: string; stale: boolean }): string {
  return r.stale ? 'failed' : r.status;
}

export function isLive(status: string): boolean {
  return status === 'queued' || status === 'running';
}

/** 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** A metric value with as many digits as it needs. */
export function formatMetric(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(2);
  return String(+v.toPrecision(digits));
}

export function formatSigned(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${formatMetric(Math.abs(v), digits)}`;
}

/** Elapsed time of a run or stage: recorded, or counting while it runs. */
export function elapsedOf(x: { elapsed_ms: number | null; started_at: string | null }, now: number): number | null {
  if (x.elapsed_ms !== null) return x.elapsed_ms;
  return x.started_at ? Math.max(0, now - Date.parse(x.started_at)) : null;
}

// ---- the run detail --------------------------------------------------------------------------

export interface EvalScoreView {
  value: number | null;
  ci: { lower: number; upper: number; confidence: number } | null;
  examples: number;
}

export interface EvalMetricView {
  key: string;
  card: MetricCard;
  /** The per-example card (sentence BLEU for BLEU), when the metric has per-example values. */
  example_card: MetricCard | null;
  /** predictions.parquet column of the per-example value. */
  column: string | null;
  /** Listed in the pipeline (perplexity and token accuracy are always computed). */
  requested: boolean;
}

export interface EvalView {
  stage: string;
  state: string;
  complete: boolean;
  stopped_by: string | null;
  examples: number;
  bootstrap: { samples: number; confidence: number };
  metrics: EvalMetricView[];
  models: { label: string; description: string; kind: string; scores: Record<string, EvalScoreView> }[];
  /** Per-example score columns of predictions.parquet, in order. */
  score_columns: string[];
}

export interface CheckpointView {
  name: string;
  /** Output names that point at it: main (final), best, last, epoch-N, step-N. */
  outputs: string[];
  step: number | null;
  epoch: number | null;
  valid_loss: number | null;
  train_loss: number | null;
  created_at: string | null;
  best: boolean;
  final: boolean;
}

export interface TrainView {
  stage: string;
  state: string;
  method: string | null;
  base: string | null;
  /** The run that trained it, when this run took it from the stage cache. */
  cached_from: string | null;
  checkpoints: CheckpointView[];
}

export interface ExportView {
  name: string;
  files: { name: string; bytes: number }[];
  bytes: number;
  created_at: string;
  download: string;
}

export interface SourceFileState {
  /** The pipeline's name in pipelines/ (the editor's page), when the run came from there. */
  name: string | null;
  /** same: the file still holds the run's text; changed: edited since; missing: gone; outside: not in pipelines/. */
  state: 'same' | 'changed' | 'missing' | 'outside';
}

export interface RunDetail {
  id: string;
  manifest: RunManifest;
  status: RunStatus;
  stale: boolean;
  source: string;
  sourceFile: SourceFileState;
  train: TrainView[];
  evals: EvalView[];
  exports: ExportView[];
}

/** The cache decision of a stage in words: hit, miss (reason), or nothing yet. */
export function cacheWords(st: StageStatus): { label: string; tone: 'info' | 'warn' | 'neutral'; reason: string } | null {
  if (!st.cache) return null;
  if (st.cache.hit) return { label: 'cache hit', tone: 'info', reason: st.cache.reason };
  if (st.cache.key === null) return { label: 'not cached', tone: 'neutral', reason: st.cache.reason };
  return { label: 'cache miss', tone: 'warn', reason: st.cache.reason };
}

// ---- predictions ------------------------------------------------------------------------------

export interface PredictionRow {
  example_index: number;
  model: string;
  conversation_id: string;
  prompt: string | null;
  reference: string;
  output: string;
  finish_reason: string | null;
  scores: Record<string, number | boolean | string | null>;
}

export interface PredictionPage {
  stage: string;
  model: string | null;
  models: string[];
  total: number;
  offset: number;
  rows: PredictionRow[];
  score_columns: string[];
}

// ---- URLs -----------------------------------------------------------------------------------

const enc = encodeURIComponent;

export const runApi = (id: string) => `/api/runs/${enc(id)}`;
export const runMetricsUrl = (id: string) => `/api/runs/${enc(id)}/metrics`;
export const runPredictionsUrl = (id: string) => `/api/runs/${enc(id)}/predictions`;
export const runExportsUrl = (id: string) => `/api/runs/${enc(id)}/exports`;
export const runExportDownload = (id: string, name: string) => `/api/runs/${enc(id)}/exports/${enc(name)}`;
export const runRerunUrl = (id: string) => `/api/runs/${enc(id)}/rerun`;
export const runCancelUrl = (id: string) => `/api/runs/${enc(id)}/cancel`;

/** The metrics stream's event: a batch of metrics.jsonl lines (borrowed: from the run that trained a cached stage). */
export interface MetricsBatch {
  lines: MetricLine[];
  from?: string;
}

/** GET /api/runs/ID/metrics as JSON (not as an event stream). */
export interface MetricsSnapshot {
  lines: MetricLine[];
  /** Cached train stages whose lines come from the run that trained them. */
  borrowed: { stage: string; run: string }[];
}
