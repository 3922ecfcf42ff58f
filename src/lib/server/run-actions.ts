/**
 * Rerun from the run page (as `tunebench rerun ID`): the run's exact source text again as a new
 * run, executed in its own Node process like a run started from the editor (run-launcher.ts);
 * stages whose cache key is unchanged are cache hits, the others say why they re-ran.
 */
import type { Workspace } from '../../engine/workspace.ts';
import { ApiFailure } from './api-error.ts';
import { requireRun } from './run-files.ts';
import { launchWebRun } from './run-launcher.ts';
import type { RunStarted } from '$lib/pipeline-run';

export async function rerunRun(ws: Workspace, id: string): Promise<RunStarted> {
  requireRun(ws, id); // 404 for an unknown run
  // The text is checked again against today's workspace: a dataset or model it names may be gone.
  return launchWebRun(ws, { rerun: id }, (failed) => new ApiFailure(422, 'pipeline_has_errors', `the run's pipeline no longer checks: ${failed.message}`, { rendered: failed.rendered }));
}
