/**
 * The editor's doors into the run engine (src/engine/runs): the plan of a text with each stage's
 * cache status (as `tunebench plan` shows it), starting a run of a saved pipeline file (as
 * `tunebench run pipelines/NAME.ftp`), and a run's events for SSE.
 *
 * The plan is checked here, in the server; a run executes in its own Node process
 * (run-launcher.ts), which answers as soon as the run exists. Check errors come back from it as
 * the same 422 with located diagnostics that the plan gives.
 */
import fs from 'node:fs';
import { checkPipeline, describePlan, isRunId, PipelineCheckError, readRun, registerBuiltinExecutors, runPaths, subscribeEvents } from '../../engine/runs/index.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { LineIndex } from '../../../dsl/index.ts';
import { ApiFailure } from './api-error.ts';
import { readPipeline } from './pipelines.ts';
import { launchWebRun } from './run-launcher.ts';
import type { PlanView, RunStarted } from '$lib/pipeline-run';

/** A check failure (thrown in the server, or reported by a run's process) as the editor's 422. */
function checkFailure(e: Pick<PipelineCheckError, 'message' | 'diagnostics' | 'rendered'>, source: string): ApiFailure {
  const index = new LineIndex(source);
  const diagnostics = e.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, help: d.help, ...index.position(d.span.start) }));
  return new ApiFailure(422, 'pipeline_has_errors', e.message, { diagnostics, rendered: e.rendered });
}

/** The compiled plan of `source` with each stage's cache status. */
export async function planView(ws: Workspace, source: string, file: string): Promise<PlanView> {
  registerBuiltinExecutors();
  let checked;
  try {
    checked = await checkPipeline(ws, { source, file });
  } catch (e) {
    if (e instanceof PipelineCheckError) throw checkFailure(e, source);
    throw e;
  }
  const views = await describePlan(ws, checked.plan);
  return {
    pipeline: checked.plan.pipeline,
    stages: views.map((v) => ({ id: v.id, kind: v.kind, name: v.name, inputs: [...new Set(v.inputs.map((i) => i.stage))], cache: v.cache, note: v.note, rows_out: v.rows_out }))
  };
}

/** Starts a run of the saved pipelines/NAME.ftp in its own process; returns once the run exists. */
export async function runSavedPipeline(ws: Workspace, name: string): Promise<RunStarted> {
  const p = await readPipeline(ws, name);
  // The text read here is the text that runs (sent to the child), so the positions match it.
  return launchWebRun(ws, { source: p.source, file: p.file }, (failed) => checkFailure(failed, p.source));
}

export async function runRecord(ws: Workspace, id: string) {
  if (!isRunId(id) || !fs.existsSync(runPaths(ws, id).dir)) throw new ApiFailure(404, 'run_not_found', `no run '${id}' in this workspace`);
  return readRun(ws, id);
}

/**
 * A run's events from byte `from`, each as a plain SSE message (its `type` is in the data: the
 * set of types is open, executors add their own) with its resume offset as id; then `end`.
 * The executor appends run_finished before it writes the final status.json, so following until
 * the status is final and the file is read to its end never stops a line short.
 */
export async function* runEvents(ws: Workspace, id: string, from: number, signal: AbortSignal): AsyncGenerator<{ event?: string; data: unknown; id?: number }> {
  for await (const r of subscribeEvents(ws, id, { from, signal })) yield { data: r.event, id: r.next };
  if (!signal.aborted) {
    const rec = await runRecord(ws, id);
    yield { event: 'end', data: { status: rec.stale ? 'failed' : rec.status.status, stale: rec.stale } };
  }
}
