import { v1 } from '$lib/server/openai';
import { jsonResponse } from '../../../../../engine/api/http.ts';
import { retrieveJob } from '../../../../../engine/api/jobs/service.ts';

export const GET = v1(async ({ params }, api) => jsonResponse(await retrieveJob(api.jobs, params.id!)));
