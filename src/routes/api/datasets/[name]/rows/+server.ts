import { json } from '@sveltejs/kit';
import { ApiFailure, apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { findVersion } from '$lib/server/dataset-version';
import { MAX_PAGE, pageRows } from '$lib/server/browse';

function int(url: URL, key: string, dflt: number): number {
  const raw = url.searchParams.get(key);
  if (raw === null || raw === '') return dflt;
  if (!/^\d+$/.test(raw)) throw new ApiFailure(400, 'bad_parameter', `${key} must be a non-negative integer, got '${raw}'`, { field: key });
  return Number(raw);
}

/** ?version=N&offset=&limit=(≤1000)&q= — a page of rows in file order (or of a search's matches). */
export const GET = apiHandler(async ({ params, url }) => {
  const ws = await serverWorkspace();
  const { version, file } = await findVersion(ws, params.name ?? '', url.searchParams.get('version'));
  const limit = int(url, 'limit', 200);
  if (limit > MAX_PAGE) throw new ApiFailure(400, 'bad_parameter', `limit is at most ${MAX_PAGE}, got ${limit}`, { field: 'limit' });
  return json(await pageRows(ws, version, file, { offset: int(url, 'offset', 0), limit, q: url.searchParams.get('q') }));
});
