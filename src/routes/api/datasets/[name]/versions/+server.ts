import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { readJson } from '$lib/server/body';
import { saveQuery } from '$lib/server/sql-save';

/**
 * { sql } → a new version of dataset [name] (created when it does not exist) holding the query's
 * result, recorded with the query as lineage. The CLI's `tunebench sql "…" --save NAME`.
 */
export const POST = apiHandler(async ({ request, params }) => {
  const body = await readJson<{ sql?: unknown }>(request);
  const r = await saveQuery(await serverWorkspace(), params.name ?? '', body?.sql);
  return json({ name: r.name, status: r.status, version: r.version.version, rows: r.rows, message: r.message }, { status: r.status === 'unchanged' ? 200 : 201 });
});
