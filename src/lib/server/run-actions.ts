/**
 * Rerun from the run page (as `tunebench rerun ID`): the run's exact source text again as a new
 * run, executed in the server process like a run started from the editor; stages whose cache
 * key is unchanged are cache hits, the others say why they re-ran.
 */
import { PipelineCheckError, rerun } from '../../engine/runs/index.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { ApiFailure } from './api-error.ts';
import { requireRun } from './run-files.ts';
import { runEventsUrl, runPage, type RunStarted } from '$lib/pipeline-run';

export async function rerunRun(ws: Workspace, id: string): Promise<RunStarted> {
  requireRun(ws, id); // 404 for an unknown run
  let started;
  try {
    started = await rerun(ws, id, { origin: 'web' });
  } catch (e) {
    // The text is checked again against today's workspace: a dataset or model it names may be gone.
    if (e instanceof PipelineCheckError) throw new ApiFailure(422, 'pipeline_has_errors', `the run's pipeline no longer checks: ${e.message}`, { rendered: e.rendered });
    throw e;
  }
  started.done.catch((e) => console.error(`tunebench: rerun ${started.runId} of ${id} failed to finish:`, e));
  return { runId: started.runId, events: runEventsUrl(started.runId), page: runPage(started.runId) };
}
