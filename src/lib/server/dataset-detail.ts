/** The catalog as the dataset pages want it: a summary per dataset, every version of one. */
import { latestVersion, readCatalog } from '../../engine/data/catalog.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { ApiFailure } from './api-error.ts';
import type { DatasetSummary, VersionInfo } from '$lib/dataset-info';

export async function datasetSummaries(ws: Workspace): Promise<DatasetSummary[]> {
  const cat = await readCatalog(ws);
  return Object.values(cat.datasets)
    .map((e) => {
      const v = latestVersion(e);
      return { name: e.name, version: v.version, versions: e.versions.length, rows: v.rows, bytes: v.bytes, created_at: v.created_at, lineage: v.lineage };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every version of `name`, newest first. */
export async function datasetVersions(ws: Workspace, name: string): Promise<VersionInfo[]> {
  const entry = (await readCatalog(ws)).datasets[name];
  if (!entry) throw new ApiFailure(404, 'dataset_not_found', `no dataset named '${name}'`);
  return entry.versions
    .map((v) => ({ version: v.version, key: v.key, rows: v.rows, bytes: v.bytes, created_at: v.created_at, columns: v.columns, lineage: v.lineage }))
    .reverse();
}
