import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { readJob } from '$lib/server/import-jobs';

/** An upload job: its settings, state and (once done) the validation report. */
export const GET = apiHandler(async ({ params }) => json(await readJob(await serverWorkspace(), params.id ?? '')));
