import type { PageServerLoad } from './$types';
import { serverWorkspace } from '$lib/server/workspace';
import { datasetSummaries } from '$lib/server/dataset-detail';
import { uploadLimit } from '$lib/server/uploads';

export const load: PageServerLoad = async () => {
  const ws = await serverWorkspace();
  return { workspace: ws.root, datasets: await datasetSummaries(ws), uploadLimit: uploadLimit() };
};
