import { json } from '@sveltejs/kit';
import { ApiFailure, apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { findVersion } from '$lib/server/dataset-version';
import { readRow } from '$lib/server/browse';

/** One whole row (the conversation, metadata, source line) at 0-based position i of ?version=N. */
export const GET = apiHandler(async ({ params, url }) => {
  const ws = await serverWorkspace();
  const { version, file } = await findVersion(ws, params.name ?? '', url.searchParams.get('version'));
  const i = /^\d+$/.test(params.i ?? '') ? Number(params.i) : -1;
  const row = await readRow(ws, version, file, i);
  if (!row) throw new ApiFailure(404, 'row_not_found', `${params.name} v${version.version} has ${version.rows} rows (0 to ${version.rows - 1}); there is no row '${params.i}'`);
  return json(row);
});
