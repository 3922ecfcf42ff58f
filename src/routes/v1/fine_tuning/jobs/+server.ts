import { v1 } from '$lib/server/openai';
import { jsonResponse, readJsonBody } from '../../../../engine/api/http.ts';
import { pageQuery } from '../../../../engine/api/pagination.ts';
import { createJob, listJobs, metadataFilter } from '../../../../engine/api/jobs/service.ts';

/** Creates a job: validated, written as a .ftp pipeline, queued; training runs in its own process. */
export const POST = v1(async ({ request }, api) => jsonResponse(await createJob(api.jobs, await readJsonBody(request))));

/** Jobs, newest first (?after, ?limit, ?metadata[k]=v, ?metadata=null). */
export const GET = v1(async ({ url }, api) => jsonResponse(await listJobs(api.jobs, { ...pageQuery(url.searchParams), metadata: metadataFilter(url.searchParams) })));
