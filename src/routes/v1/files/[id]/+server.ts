import { v1 } from '$lib/server/openai';
import { jsonResponse } from '../../../../engine/api/http.ts';
import { deleteFile, retrieveFile } from '../../../../engine/api/files/service.ts';
import { jobUsingFile } from '../../../../engine/api/jobs/service.ts';

export const GET = v1(async ({ params }, api) => jsonResponse(await retrieveFile(api.ws, params.id!)));

/** Refused while an unfinished job still needs the file. */
export const DELETE = v1(async ({ params }, api) => jsonResponse(await deleteFile(api.ws, params.id!, (id) => jobUsingFile(api.jobs, id))));
