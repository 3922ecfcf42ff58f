import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { runRecord } from '$lib/server/pipeline-runs';
import { cancelRun } from '../../../../../engine/runs/index.ts';

/** Asks a run to stop (tunebench runs cancel ID): its stages stop at their next check. */
export const POST = apiHandler(async ({ params }) => {
  const ws = await serverWorkspace();
  await runRecord(ws, params.id ?? ''); // 404 for an unknown run
  return json(await cancelRun(ws, params.id ?? '', 'cancelled from the workbench'));
});
