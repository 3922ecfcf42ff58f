import type { PageServerLoad } from './$types';
import { serverWorkspace } from '$lib/server/workspace';
import { uploadLineView } from '$lib/server/row-view';
import { orPageError } from '$lib/server/page-load';

export const load: PageServerLoad = async ({ params }) => ({
  id: params.id,
  view: await orPageError(uploadLineView(await serverWorkspace(), params.id, /^\d+$/.test(params.line) ? Number(params.line) : -1))
});
