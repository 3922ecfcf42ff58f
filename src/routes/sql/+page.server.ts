import type { PageServerLoad } from './$types';
import { serverWorkspace } from '$lib/server/workspace';
import { listDatasets } from '$lib/server/datasets';

export const load: PageServerLoad = async () => ({ datasets: await listDatasets(await serverWorkspace()) });
