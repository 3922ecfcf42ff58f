import type { PageServerLoad } from './$types';
import { serverWorkspace } from '$lib/server/workspace';
import { readCatalog } from '../engine/data/catalog.ts';

export const load: PageServerLoad = async () => {
  const ws = await serverWorkspace();
  const cat = await readCatalog(ws);
  const datasets = Object.values(cat.datasets)
    .map((e) => {
      const v = e.versions[e.versions.length - 1];
      return { name: e.name, version: v.version, versions: e.versions.length, rows: v.rows, bytes: v.bytes, created_at: v.created_at };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { workspace: ws.root, datasets };
};
