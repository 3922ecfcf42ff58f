import type { PageServerLoad } from './$types';
import { serverWorkspace } from '$lib/server/workspace';
import { listPipelines } from '$lib/server/pipelines';
import { listRuns } from '../../engine/runs/index.ts';

export const load: PageServerLoad = async () => {
  const ws = await serverWorkspace();
  // The newest run of each file, from the latest 100 runs (enough for a list; the runs page has all).
  const { runs } = await listRuns(ws, { limit: 100 }).catch(() => ({ runs: [] }));
  const lastRun: Record<string, { id: string; status: string; created_at: string }> = {};
  for (const r of runs) lastRun[r.file] ??= { id: r.run_id, status: r.stale ? 'failed' : r.status, created_at: r.created_at };
  return { pipelines: await listPipelines(ws), folder: ws.pipelinesDir, lastRun };
};
