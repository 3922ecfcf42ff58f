/**
 * Runs started from the workbench (the editor's Run, the run page's Rerun) execute in their own
 * Node process (src/engine/runs/process), never in the server's event loop: a training stage
 * would stall every request for seconds. This answers once the child has created the run, with
 * the same RunStarted the routes returned when runs executed in process; check errors come back
 * through `onCheckFailed`, which each caller turns into its 422.
 *
 * When the server shuts down it sends SIGTERM to the runs it started: they stop at the next
 * step (the trainer checkpoints first) and end cancelled, saying why.
 */
import type { Workspace } from '../../engine/workspace.ts';
import { launchRun, RunLaunchError, stopLaunchedRuns, type CheckFailedReport, type LaunchRequest } from '../../engine/runs/process/launch.ts';
import { ApiFailure } from './api-error.ts';
import { runEventsUrl, runPage, type RunStarted } from '$lib/pipeline-run';

let shutdownHooked = false;

export async function launchWebRun(ws: Workspace, request: LaunchRequest, onCheckFailed: (report: CheckFailedReport) => ApiFailure): Promise<RunStarted> {
  if (!shutdownHooked) {
    shutdownHooked = true;
    process.once('sveltekit:shutdown' as 'exit', () => stopLaunchedRuns());
  }
  let result;
  try {
    result = await launchRun(ws, request);
  } catch (e) {
    if (e instanceof RunLaunchError) throw new ApiFailure(500, 'run_not_started', `the run could not start: ${e.message}`);
    throw e;
  }
  if (result.type === 'check_failed') throw onCheckFailed(result);
  return { runId: result.runId, events: runEventsUrl(result.runId), page: runPage(result.runId) };
}
