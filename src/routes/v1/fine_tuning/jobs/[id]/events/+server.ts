import { v1 } from '$lib/server/openai';
import { jsonResponse } from '../../../../../../engine/api/http.ts';
import { pageQuery } from '../../../../../../engine/api/pagination.ts';
import { jobEvents } from '../../../../../../engine/api/jobs/events.ts';

/** Events newest first, including `metrics` events from the runs' metrics.jsonl. */
export const GET = v1(async ({ params, url }, api) => jsonResponse(await jobEvents(api.ws, params.id!, pageQuery(url.searchParams))));
