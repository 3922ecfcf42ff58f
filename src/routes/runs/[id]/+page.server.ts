import type { PageServerLoad } from './$types';
import { serverWorkspace } from '$lib/server/workspace';
import { orPageError } from '$lib/server/page-load';
import { runDetail } from '$lib/server/run-detail';

export const load: PageServerLoad = async ({ params, depends }) => {
  depends(`run:${params.id}`);
  return { run: await orPageError(runDetail(await serverWorkspace(), params.id)) };
};
