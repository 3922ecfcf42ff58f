/**
 * Dataset statistics for the charts (stats.ts statsForVersion), cached per version content key
 * in .tunebench/cache/stats/<key>.json: a version never changes, and at a million rows the
 * numbers take seconds. Concurrent requests for one version share one computation.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { statsForVersion, type DatasetStats } from '../../engine/data/stats.ts';
import type { DatasetVersion } from '../../engine/data/catalog.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { writeJsonAtomic } from '../../engine/util/atomic-write.ts';
import { ENGINE_VERSION } from '../../engine/version.ts';

const pending = new Map<string, Promise<DatasetStats>>();

export function statsCachePath(ws: Workspace, v: DatasetVersion): string {
  return path.join(ws.dir, 'cache', 'stats', `${v.key}.json`);
}

export async function cachedStats(ws: Workspace, name: string, v: DatasetVersion): Promise<DatasetStats> {
  const file = statsCachePath(ws, v);
  try {
    const cached = JSON.parse(await fsp.readFile(file, 'utf8')) as { engine: string; stats: DatasetStats };
    // The name is the caller's: the same content can be a version of several datasets.
    if (cached.engine === ENGINE_VERSION) return { ...cached.stats, name, version: v.version };
  } catch {
    // missing or unreadable: compute it
  }
  let p = pending.get(file);
  if (!p) {
    p = statsForVersion(ws, name, v).then(async (stats) => {
      await writeJsonAtomic(file, { engine: ENGINE_VERSION, stats });
      return stats;
    });
    pending.set(file, p);
    p.finally(() => pending.delete(file)).catch(() => {});
  }
  return { ...(await p), name, version: v.version };
}
