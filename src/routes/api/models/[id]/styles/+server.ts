import { json } from '@sveltejs/kit';
import { workbench } from '$lib/server/openai';
import { resolveModelId } from '../../../../../engine/api/models/catalog.ts';
import { modelStyles } from '../../../../../engine/api/models/styles.ts';

/** The styles the model was trained with ([STYLE:x] system prompt tags in its training data). */
export const GET = workbench(async ({ params }, api) => json(await modelStyles(api.ws, await resolveModelId(api.ws, params.id!))));
