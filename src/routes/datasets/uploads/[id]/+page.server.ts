import type { PageServerLoad } from './$types';
import { serverWorkspace } from '$lib/server/workspace';
import { readJob } from '$lib/server/import-jobs';
import { orPageError } from '$lib/server/page-load';

export const load: PageServerLoad = async ({ params }) => ({ job: await orPageError(readJob(await serverWorkspace(), params.id)) });
