import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { readJson } from '$lib/server/body';
import { createPipeline, listPipelines } from '$lib/server/pipelines';
import { starterSource } from '$lib/pipeline-task';
import { checkedSource } from '$lib/server/pipeline-check';
import { datasetSummaries } from '$lib/server/dataset-detail';

/** The pipelines/ folder. */
export const GET = apiHandler(async () => json(await listPipelines(await serverWorkspace())));

/**
 * { name, source?, check? } → a new pipelines/NAME.ftp (409 when it exists); without source, a
 * starter reading the first dataset. With check: true (the task form), text with check errors is
 * refused (422, the diagnostics as details) and nothing is written.
 */
export const POST = apiHandler(async ({ request }) => {
  const ws = await serverWorkspace();
  const body = await readJson<{ name?: unknown; source?: unknown; check?: unknown }>(request, { maxBytes: 2 * 1024 * 1024 });
  const name = typeof body.name === 'string' ? body.name : '';
  const source = body.source ?? starterSource(name, (await datasetSummaries(ws))[0]?.name);
  if (body.check === true && typeof source === 'string') await checkedSource(ws, source, `pipelines/${name}.ftp`);
  return json(await createPipeline(ws, name, source), { status: 201 });
});
