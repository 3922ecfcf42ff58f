/**
 * The result of comparing evaluations: plain JSON (the CLI prints it with --json, the web
 * Compare page renders it). Sides are aligned lists: index 0 is the baseline, every delta is
 * side − baseline.
 */
import type { MetricCard } from '../index.ts';

export const COMPARE_FORMAT = 'tunebench.compare';
export const COMPARE_VERSION = 1;

export interface CompareOptions {
  /** Eval stage id (default: each run's last eval stage that finished). */
  stage?: string | null;
  /** Model label within the eval (runs: default the eval's last model; models: all, in order). */
  model?: string | null;
  /** Paired bootstrap resamples (default: the baseline eval's bootstrap samples, or 1000 when it had none). */
  resamples?: number;
  /** Bootstrap seed (default: the baseline eval's seed). */
  seed?: number;
  /** A difference is significant when p < alpha (default 0.05). */
  alpha?: number;
  /** How many examples to list where the sides differ most (default 5). */
  top?: number;
  /** The per-example metric that ranks disagreements (default rougeL, else the first generation metric). */
  by?: string | null;
}

/** One evaluated model of one run. */
export interface CompareSide {
  /** Short unique name for tables: the model label (models of one run) or run id + model. */
  name: string;
  run_id: string;
  pipeline: string;
  stage: string;
  model: string;
  /** base model "tinystories-260k" / train stage tuned@best */
  model_description: string;
  /** Workspace-relative eval.json. */
  eval_json: string;
  /** Examples this side's eval scored. */
  examples: number;
}

/** A hyperparameter (a leaf of the plan's stage parameters) whose value is not the same on every side. */
export interface ParamDiff {
  /** stage.param.path, e.g. tuned.learning_rate.value, eval.generation.max_tokens, train.method.rank */
  path: string;
  /** One per side; null = absent on that side. JSON values (numbers, strings, booleans, lists). */
  values: unknown[];
}

export interface DeltaTest {
  /** side − baseline, on the compared examples. */
  delta: number;
  /** delta / |baseline| (null when the baseline is 0). */
  relative: number | null;
  /** Paired bootstrap p-value (two-sided; 1 when the values are equal). */
  p_value: number;
  significant: boolean;
  /** The side is better than the baseline (by the metric's direction) — whether or not significant. */
  better: boolean | null;
  /** This side's bootstrap interval from the same resamples. */
  ci: { lower: number; upper: number };
}

export interface MetricComparison {
  /** Metric key as in eval.json (bleu, rougeL, chrf++, style:formal, ...). */
  metric: string;
  name: string;
  higher_is_better: boolean;
  card: MetricCard;
  /** Per side: the value on the compared examples (null: nothing to score). */
  values: (number | null)[];
  /** Per side: the value each eval reported on its own examples. */
  reported: (number | null)[];
  /** Per side: the test against the baseline (null for the baseline and when there is no value). */
  tests: (DeltaTest | null)[];
}

export interface Disagreement {
  conversation_id: string;
  /** Example index per side (the row of each eval's data). */
  example_index: number[];
  /** The prompt as the first side rendered it. */
  prompt: string | null;
  reference: string;
  metadata: Record<string, unknown> | null;
  outputs: string[];
  /** The `by` metric per side. */
  scores: (number | null)[];
  /** max − min of scores. */
  spread: number;
}

export interface CompareResult {
  format: typeof COMPARE_FORMAT;
  version: typeof COMPARE_VERSION;
  /** runs: one model of each run; models: several models of one run's eval. */
  kind: 'runs' | 'models';
  sides: CompareSide[];
  params: ParamDiff[];
  examples: {
    /** Examples compared (in every side, matched by conversation_id). */
    compared: number;
    per_side: number[];
    /** The sides evaluated different example sets: what was done about it. */
    note: string | null;
  };
  test: { method: 'paired bootstrap'; resamples: number; seed: number; alpha: number };
  metrics: MetricComparison[];
  /** Metrics not compared, with why (missing on a side, other options). */
  skipped: { metric: string; reason: string }[];
  disagreements: { by: string | null; examples: Disagreement[] };
}
