import { json } from '@sveltejs/kit';
import { readJson } from '$lib/server/body';
import { workbench } from '$lib/server/openai';
import { pinModel } from '../../../../../engine/api/models/overview.ts';

/** { pinned: true | false } → the model's retention (a pinned model never expires). */
export const POST = workbench(async ({ request, params }, api) => {
  const body = await readJson<{ pinned?: unknown }>(request);
  return json(await pinModel(api.ws, params.id!, body.pinned !== false));
});
