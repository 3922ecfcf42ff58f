import { v1 } from '$lib/server/openai';
import { jsonResponse } from '../../../../../../engine/api/http.ts';
import { pauseJob } from '../../../../../../engine/api/jobs/service.ts';

export const POST = v1(async ({ params }, api) => jsonResponse(await pauseJob(api.jobs, params.id!)));
