import { v1 } from '$lib/server/openai';
import { jsonResponse } from '../../../../../../engine/api/http.ts';
import { pageQuery } from '../../../../../../engine/api/pagination.ts';
import { jobCheckpoints } from '../../../../../../engine/api/jobs/checkpoints.ts';

export const GET = v1(async ({ params, url }, api) => jsonResponse(await jobCheckpoints(api.ws, params.id!, pageQuery(url.searchParams, { defaultLimit: 10 }))));
