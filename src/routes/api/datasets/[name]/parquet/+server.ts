import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { datasetParquet } from '$lib/server/datasets';
import { serveFile, PARQUET_TYPE } from '$lib/server/serve-file';

/** A dataset version's Parquet file, with Range support (duckdb-wasm reads it by ranges). */
export const GET = apiHandler(async ({ request, params, url }) => {
  const version = url.searchParams.get('version');
  const { file, key } = await datasetParquet(await serverWorkspace(), params.name ?? '', version);
  return serveFile(request, file, { contentType: PARQUET_TYPE, etag: `"${key}"`, immutable: version !== null });
});

export const HEAD = GET;
