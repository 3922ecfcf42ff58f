import { json } from '@sveltejs/kit';
import { readJson } from '$lib/server/body';
import { workbench } from '$lib/server/openai';
import { exportModel } from '../../../../../engine/api/models/export.ts';

/** { format: adapter | merged | int8 } → exports the model (tunebench export, in a child process). */
export const POST = workbench(async ({ request, params }, api) => {
  const body = await readJson<{ format?: unknown }>(request);
  return json(await exportModel(api.ws, params.id!, String(body.format ?? '')), { status: 201 });
});
