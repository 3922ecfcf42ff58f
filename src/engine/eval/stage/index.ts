/**
 * The eval stage, one door for readers outside the run machinery (the web app, scripts):
 * the persisted shapes of eval.json and predictions.parquet, where a workspace's evals are, and
 * the early-stopping metric function. runs/executors.ts registers the executor through
 * executor.ts and runs/views.ts adds the SQL views through views.ts directly.
 */
export { registerEvalExecutor, evalExecutor } from './executor.ts';
export { evalViews, listEvalOutputs, type EvalOutputRef } from './views.ts';
export { generationMetricOnValidation, earlyStopProvider } from './early-stop.ts';
export { EVAL_FORMAT, EVAL_VERSION, EVAL_FILE, PREDICTIONS_FILE, BASE_COLUMNS, type EvalFile, type EvalModelResult, type EvalStyle, type PredictionColumn } from './eval-file.ts';
export type { MetricSpec, StyleSpec } from './metric-specs.ts';
export type { MetricScore, ConfidenceInterval } from './scoring.ts';
