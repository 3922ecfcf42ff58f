import { json } from '@sveltejs/kit';
import { ApiFailure, apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { readJson } from '$lib/server/body';
import { runSavedPipeline } from '$lib/server/pipeline-runs';

/** { pipeline: NAME } → runs the saved pipelines/NAME.ftp (tunebench run pipelines/NAME.ftp); 202 with the run id. */
export const POST = apiHandler(async ({ request }) => {
  const body = await readJson<{ pipeline?: unknown }>(request);
  if (typeof body.pipeline !== 'string') throw new ApiFailure(400, 'missing_pipeline', 'say which pipeline to run: { "pipeline": "NAME" }', { field: 'pipeline' });
  return json(await runSavedPipeline(await serverWorkspace(), body.pipeline), { status: 202 });
});
