/**
 * One dataset version for a route: `name` plus an optional `?version=N`, resolved through the
 * catalog, with its Parquet file checked to lie inside the workspace. 404 / 400 as ApiFailure.
 */
import path from 'node:path';
import { readCatalog, resolveDataset, versionPath, type DatasetEntry, type DatasetVersion } from '../../engine/data/catalog.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { ApiFailure } from './api-error.ts';

export interface FoundVersion {
  entry: DatasetEntry;
  version: DatasetVersion;
  /** Absolute path of the version's Parquet file. */
  file: string;
}

export function parseVersionParam(version: string | null | undefined): number | null {
  if (version === null || version === undefined || version === '') return null;
  if (!/^\d+$/.test(version) || Number(version) < 1) throw new ApiFailure(400, 'bad_version', `version must be a positive integer, got '${version}'`);
  return Number(version);
}

export async function findVersion(ws: Workspace, name: string, version?: string | number | null): Promise<FoundVersion> {
  const v = typeof version === 'number' ? version : parseVersionParam(version);
  const found = resolveDataset(await readCatalog(ws), v === null ? name : `${name}@${v}`);
  if ('error' in found) throw new ApiFailure(404, 'dataset_not_found', found.error);
  const file = versionPath(ws, found.version);
  const rel = path.relative(ws.dir, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new ApiFailure(500, 'catalog_corrupt', `the catalog points dataset '${name}' outside the workspace`);
  return { entry: found.entry, version: found.version, file };
}
