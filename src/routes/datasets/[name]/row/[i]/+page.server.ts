import type { PageServerLoad } from './$types';
import { serverWorkspace } from '$lib/server/workspace';
import { datasetRowView } from '$lib/server/row-view';
import { orPageError } from '$lib/server/page-load';

export const load: PageServerLoad = async ({ params, url }) => ({
  view: await orPageError(datasetRowView(await serverWorkspace(), params.name, url.searchParams.get('version'), /^\d+$/.test(params.i) ? Number(params.i) : -1))
});
