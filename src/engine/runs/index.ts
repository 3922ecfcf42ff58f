/**
 * The run store and pipeline runner, one door. Everything else in runs/ is internal.
 *
 *   const { runId, done } = await startRun(ws, { source, file });   // PipelineCheckError on errors
 *   const status = await done;
 *   await rerun(ws, runId);                       // the saved source again; cache hits explained
 *   await listRuns(ws); await readRun(ws, id); await cancelRun(ws, id);
 *   for await (const e of subscribeEvents(ws, id, { from, signal })) ...   // SSE
 *
 * Files per run and their meaning: see CONTEXT.md. Stage kinds are executed by registered
 * executors (registerStageExecutor); the data kinds are built in, train/eval are registered by
 * the trainer and the evaluator.
 */
import type { Workspace } from '../workspace.ts';
import { followEvents, type EventRead } from './events.ts';
import { runPaths } from './layout.ts';
import { isStale, readStatus, TERMINAL } from './store.ts';

export { startRun, runPipeline, rerun, checkPipeline, PipelineCheckError, type PipelineText, type StartOptions, type StartedRun } from './start.ts';
export { listRuns, readRun, readStatus, readManifest, isStale, runBasics } from './store.ts';
export { cancelRun, RunCancelled, type CancelResult } from './cancel.ts';
export { recordExport, readExportLog, type ExportLogEntry } from './export-log.ts';
export { readEvents, appendJsonLine, type EventRead } from './events.ts';
export { runPaths, runStageDir, isRunId, wsAbsolute, wsRelative, type RunPaths } from './layout.ts';
export { registerStageExecutor, unregisterStageExecutor, stageExecutor, registeredKinds, type StageExecutor, type StageContext, type StageResult, type StageOutput, type ResolvedInput, type StageEvents, type StageDescription, type DescribeInput, type StageOf } from './stage-executor.ts';
export { registerBuiltinExecutors } from './executors.ts';
export { planKeys, computeStageKey, type StageKeyInfo } from './stage-keys.ts';
export { lookupStage, stageKey, keyDocument, entryDir, sweepStaging, CACHE_FORMAT, CACHE_VERSION, type KeyMaterial, type CacheMeta } from './cache.ts';
export { describePlan, describePlanSql, type PlanStageView } from './describe.ts';
export { runViews } from './views.ts';
export { canonicalJson, hashJson } from './canonical-json.ts';
export * from './types.ts';

/**
 * Follows a run's events.jsonl from byte offset `from` (0 = the beginning) until the run ends or
 * `signal` aborts. Each item carries `next`, the offset to resume from (use it as the SSE id).
 */
export function subscribeEvents(ws: Workspace, runId: string, opts: { from?: number; signal?: AbortSignal; pollMs?: number } = {}): AsyncGenerator<EventRead> {
  const paths = runPaths(ws, runId);
  return followEvents(paths.events, {
    ...opts,
    isFinished: async () => {
      try {
        const s = await readStatus(ws, runId);
        return TERMINAL.has(s.status) || isStale(s);
      } catch {
        return true; // the run is gone or unreadable: nothing more will come
      }
    }
  });
}
