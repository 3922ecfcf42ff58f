import { json } from '@sveltejs/kit';
import { readJson } from '$lib/server/body';
import { workbench } from '$lib/server/openai';
import { parseFeedback, readFeedback, saveFeedback } from '../../../../engine/api/feedback/store.ts';

/** Saves a rating or an edit of an answer (a new entry, or a change to `id`). */
export const POST = workbench(async ({ request }, api) => json(saveFeedback(api.ws, parseFeedback(await readJson(request))), { status: 201 }));

/** Every entry in its current state. */
export const GET = workbench(async (_e, api) => json({ entries: readFeedback(api.ws) }));
