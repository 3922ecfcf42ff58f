/**
 * Adding a version to a named dataset, under the catalog lock. A version whose key equals the
 * latest one is not added again (two identical imports racing end as one version).
 */
import { latestVersion, updateCatalog, type DatasetVersion } from './catalog.ts';
import type { Workspace } from '../workspace.ts';

export type VersionStatus = 'created' | 'versioned' | 'unchanged';

export async function addVersion(ws: Workspace, name: string, v: Omit<DatasetVersion, 'version' | 'created_at'>): Promise<{ version: DatasetVersion; status: VersionStatus }> {
  return updateCatalog(ws, (c) => {
    const e = (c.datasets[name] ??= { name, versions: [] });
    const last = e.versions.length ? latestVersion(e) : null;
    if (last && last.key === v.key) return { version: last, status: 'unchanged' as const };
    const version: DatasetVersion = { ...v, version: (last?.version ?? 0) + 1, created_at: new Date().toISOString() };
    e.versions.push(version);
    return { version, status: last ? ('versioned' as const) : ('created' as const) };
  });
}
