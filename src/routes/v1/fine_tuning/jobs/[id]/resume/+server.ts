import { v1 } from '$lib/server/openai';
import { jsonResponse } from '../../../../../../engine/api/http.ts';
import { resumeJob } from '../../../../../../engine/api/jobs/service.ts';

export const POST = v1(async ({ params }, api) => jsonResponse(await resumeJob(api.jobs, params.id!)));
