import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { runRecord } from '$lib/server/pipeline-runs';

/** A run: manifest, status (per stage), plan and source. */
export const GET = apiHandler(async ({ params }) => json(await runRecord(await serverWorkspace(), params.id ?? '')));
