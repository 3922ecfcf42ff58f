/**
 * Comparing evaluations — one door for the CLI (`tunebench compare`) and the web Compare page.
 *
 *   await compareRuns(ws, ['RUN_A', 'RUN_B:tuned'], { alpha: 0.05, top: 5 })   // one model per run
 *   await compareModels(ws, 'RUN', { models: ['base', 'tuned'] })              // models of one eval
 *
 * Both return a CompareResult (types.ts): sides, differing hyperparameters, metrics side by side
 * with paired-bootstrap tests against the first side, and the examples where the sides differ
 * most. Errors a user can fix are CompareError.
 */
export { compareRuns, compareModels, parseSideRef } from './compare.ts';
export { CompareError, loadEval, loadPredictions, readEvalFile, type LoadedEval, type PredictionRecord } from './load.ts';
export { listEvalOutputs, type EvalOutputRef } from '../stage/views.ts';
export * from './types.ts';
