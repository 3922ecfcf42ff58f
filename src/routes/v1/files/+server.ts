import { v1 } from '$lib/server/openai';
import { jsonResponse } from '../../../engine/api/http.ts';
import { pageQuery } from '../../../engine/api/pagination.ts';
import { listFiles } from '../../../engine/api/files/service.ts';
import { receiveFile } from '../../../engine/api/files/upload.ts';
import { toFileObject } from '../../../engine/api/files/store.ts';

/** Upload (multipart: purpose=fine-tune, file), streamed to disk under the size limit, then validated. */
export const POST = v1(async ({ request }, api) => jsonResponse(toFileObject(await receiveFile(api.ws, request))));

/** Files, newest first (?after, ?limit, ?order, ?purpose). */
export const GET = v1(async ({ url }, api) => {
  const q = url.searchParams;
  return jsonResponse(await listFiles(api.ws, { ...pageQuery(q, { defaultLimit: 10_000, maxLimit: 10_000 }), order: (q.get('order') as 'asc' | 'desc' | null) ?? undefined, purpose: q.get('purpose') }));
});
