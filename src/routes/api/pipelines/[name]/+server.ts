import { json } from '@sveltejs/kit';
import { ApiFailure, apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { readJson } from '$lib/server/body';
import { deletePipeline, readPipeline, renamePipeline, savePipeline } from '$lib/server/pipelines';

/** The text of pipelines/NAME.ftp, with its content hash. */
export const GET = apiHandler(async ({ params }) => json(await readPipeline(await serverWorkspace(), params.name ?? '')));

/** { source, baseHash?, force? } → saved atomically; 409 if it changed on disk since baseHash. */
export const PUT = apiHandler(async ({ params, request }) => {
  const body = await readJson<{ source?: unknown; baseHash?: unknown; force?: unknown }>(request, { maxBytes: 2 * 1024 * 1024 });
  const baseHash = typeof body.baseHash === 'string' ? body.baseHash : null;
  return json(await savePipeline(await serverWorkspace(), params.name ?? '', body.source, { baseHash, force: body.force === true }));
});

/** { to } → renamed (409 when the new name is taken). */
export const PATCH = apiHandler(async ({ params, request }) => {
  const body = await readJson<{ to?: unknown }>(request);
  if (typeof body.to !== 'string') throw new ApiFailure(400, 'missing_name', 'send the new name: { "to": "NAME" }', { field: 'to' });
  return json(await renamePipeline(await serverWorkspace(), params.name ?? '', body.to));
});

export const DELETE = apiHandler(async ({ params }) => {
  await deletePipeline(await serverWorkspace(), params.name ?? '');
  return new Response(null, { status: 204 });
});
