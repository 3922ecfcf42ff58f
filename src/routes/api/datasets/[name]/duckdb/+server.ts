import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { datasetParquet } from '$lib/server/datasets';
import { ensureBrowserDb } from '$lib/server/browser-db';
import { serveFile } from '$lib/server/serve-file';

/**
 * A dataset version as a DuckDB database file (table `data`) for duckdb-wasm, which attaches it
 * and reads it by byte ranges. Converted from the version's Parquet on first request.
 */
export const GET = apiHandler(async ({ request, params, url }) => {
  const ws = await serverWorkspace();
  const version = url.searchParams.get('version');
  const { file, key } = await datasetParquet(ws, params.name ?? '', version);
  const db = await ensureBrowserDb(ws, key, file);
  return serveFile(request, db, { contentType: 'application/vnd.duckdb', etag: `"${key}"`, immutable: version !== null });
});

export const HEAD = GET;
