import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { rerunRun } from '$lib/server/run-actions';

/** Runs the run's exact source again as a new run (tunebench rerun ID); 202 with the new run's id and page. */
export const POST = apiHandler(async ({ params }) => json(await rerunRun(await serverWorkspace(), params.id ?? ''), { status: 202 }));
