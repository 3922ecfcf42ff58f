import { v1 } from '$lib/server/openai';
import { jsonResponse } from '../../../engine/api/http.ts';
import { listModelInfos, toModelObject } from '../../../engine/api/models/catalog.ts';

/** Base models, then fine-tuned models (jobs and workbench runs), newest first. */
export const GET = v1(async (_event, api) => jsonResponse({ object: 'list', data: (await listModelInfos(api.ws)).map(toModelObject) }));
