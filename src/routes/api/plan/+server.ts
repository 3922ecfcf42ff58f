import { json } from '@sveltejs/kit';
import { ApiFailure, apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { readJson } from '$lib/server/body';
import { planView } from '$lib/server/pipeline-runs';

/** { source, file? } → the compiled plan with each stage's cache status (tunebench plan FILE). 422 on check errors. */
export const POST = apiHandler(async ({ request }) => {
  const body = await readJson<{ source?: unknown; file?: unknown }>(request, { maxBytes: 2 * 1024 * 1024 });
  if (typeof body.source !== 'string') throw new ApiFailure(400, 'missing_source', 'send the pipeline text: { "source": "…" }', { field: 'source' });
  const file = typeof body.file === 'string' && body.file ? body.file : 'pipeline.ftp';
  return json(await planView(await serverWorkspace(), body.source, file));
});
