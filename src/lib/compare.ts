/**
 * What the compare page gets from the server: the evaluator's CompareResult (sides aligned by
 * index, index 0 the baseline) and, per side, what the page adds (run status, the train stage
 * behind the model for the loss curves); and the runs the picker offers.
 */
import type { CompareResult, CompareSide, DeltaTest, Disagreement, MetricComparison, ParamDiff } from '../engine/eval/compare/types.ts';

export type { CompareResult, CompareSide, DeltaTest, Disagreement, MetricComparison, ParamDiff };

export interface CompareView {
  result: CompareResult;
  sides: { run_id: string; status: string; created_at: string | null; train_stage: string | null }[];
}

export interface PickableRun {
  id: string;
  pipeline: string;
  status: string;
  created_at: string;
  /** The eval stage compared by default and its models, in eval order. */
  stage: string;
  models: string[];
  rerun_of: string | null;
}

/** A parameter value in a table cell. */
export function formatParam(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Significance in words for a delta test: better / worse (significant) or "no significant difference". */
export function verdict(t: DeltaTest | null): { label: string; tone: 'ok' | 'err' | 'neutral' } | null {
  if (!t) return null;
  if (!t.significant || t.better === null) return { label: 'not significant', tone: 'neutral' };
  return t.better ? { label: 'better', tone: 'ok' } : { label: 'worse', tone: 'err' };
}

export function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  return `p = ${p.toFixed(3)}`;
}
