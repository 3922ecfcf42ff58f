import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { findVersion } from '$lib/server/dataset-version';
import { cachedStats } from '$lib/server/dataset-stats';

/** Statistics of ?version=N (latest without): roles, turns and length histograms, metadata value counts. */
export const GET = apiHandler(async ({ params, url }) => {
  const ws = await serverWorkspace();
  const { entry, version } = await findVersion(ws, params.name ?? '', url.searchParams.get('version'));
  return json(await cachedStats(ws, entry.name, version));
});
