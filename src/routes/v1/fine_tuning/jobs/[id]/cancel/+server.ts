import { v1 } from '$lib/server/openai';
import { jsonResponse } from '../../../../../../engine/api/http.ts';
import { cancelJob } from '../../../../../../engine/api/jobs/service.ts';

export const POST = v1(async ({ params }, api) => jsonResponse(await cancelJob(api.jobs, params.id!)));
