import { json } from '@sveltejs/kit';
import { workbench } from '$lib/server/openai';
import { modelsOverview } from '../../../engine/api/models/overview.ts';

/** Every model with lineage, checkpoints, retention, exports and serving metrics (the models page). */
export const GET = workbench(async (_e, api) => json(await modelsOverview(api.ws)));
