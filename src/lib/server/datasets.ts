/**
 * Dataset lookups for routes: the catalog's entries as page data, and the Parquet file of a
 * `name` / `name@version` reference, refused when it would lie outside the workspace.
 */
import path from 'node:path';
import { readCatalog, resolveDataset, versionPath, latestVersion } from '../../engine/data/catalog.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { ApiFailure } from './api-error.ts';
import { browserDbUrl, parquetUrl, type DatasetListItem } from '$lib/datasets';

export async function listDatasets(ws: Workspace): Promise<DatasetListItem[]> {
  const cat = await readCatalog(ws);
  return Object.values(cat.datasets)
    .map((e) => {
      const v = latestVersion(e);
      return { name: e.name, version: v.version, versions: e.versions.length, rows: v.rows, bytes: v.bytes, created_at: v.created_at, columns: v.columns, parquet: parquetUrl(e.name, v.version), browserDb: browserDbUrl(e.name, v.version) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The Parquet file and content key of a dataset version; ApiFailure 404 when there is none. */
export async function datasetParquet(ws: Workspace, name: string, version?: string | null): Promise<{ file: string; key: string }> {
  if (version != null && !/^\d+$/.test(version)) throw new ApiFailure(400, 'bad_version', `version must be a positive integer, got '${version}'`);
  const found = resolveDataset(await readCatalog(ws), version ? `${name}@${version}` : name);
  if ('error' in found) throw new ApiFailure(404, 'dataset_not_found', found.error);
  const file = versionPath(ws, found.version);
  const rel = path.relative(ws.dir, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new ApiFailure(500, 'catalog_corrupt', `the catalog points dataset '${name}' outside the workspace`);
  return { file, key: found.version.key };
}
