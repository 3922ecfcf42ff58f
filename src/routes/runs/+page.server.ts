import type { PageServerLoad } from './$types';
import { serverWorkspace } from '$lib/server/workspace';
import { listRunRows } from '$lib/server/run-list';

export const load: PageServerLoad = async ({ depends }) => {
  depends('runs:list');
  const { runs, skipped } = await listRunRows(await serverWorkspace());
  return { runs, skipped };
};
