import type { PageServerLoad } from './$types';
import { error } from '@sveltejs/kit';
import { serverWorkspace } from '$lib/server/workspace';
import { datasetVersions } from '$lib/server/dataset-detail';
import { orPageError } from '$lib/server/page-load';
import { RESERVED_COLUMNS } from '../../../engine/data/schema.ts';

export const load: PageServerLoad = async ({ params, url }) => {
  const ws = await serverWorkspace();
  const versions = await orPageError(datasetVersions(ws, params.name));
  const asked = url.searchParams.get('version');
  const current = asked ? versions.find((v) => String(v.version) === asked) : versions[0];
  if (!current) error(404, `dataset '${params.name}' has no version ${asked} (versions: ${versions.map((v) => v.version).reverse().join(', ')})`);
  return {
    name: params.name,
    versions,
    current,
    metaColumns: current.columns.filter((c) => !RESERVED_COLUMNS.has(c.name)).map((c) => c.name)
  };
};
