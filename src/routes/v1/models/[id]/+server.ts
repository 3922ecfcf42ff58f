import { v1 } from '$lib/server/openai';
import { jsonResponse } from '../../../../engine/api/http.ts';
import { resolveModelId, toModelObject } from '../../../../engine/api/models/catalog.ts';
import { deleteModel } from '../../../../engine/api/models/delete.ts';

export const GET = v1(async ({ params }, api) => jsonResponse(toModelObject(await resolveModelId(api.ws, params.id!))));

/** Fine-tuned models only; exports are never touched. */
export const DELETE = v1(async ({ params }, api) => jsonResponse(await deleteModel(api.ws, params.id!)));
