import { v1 } from '$lib/server/openai';
import { jsonResponse, readJsonBody, sseJson } from '../../../../engine/api/http.ts';
import { chatCompletion, chatCompletionStream } from '../../../../engine/api/chat/service.ts';

/** Chat with a base model, a fine-tuned model or a checkpoint; `stream: true` answers over SSE. */
export const POST = v1(async ({ request }, api) => {
  const started = performance.now();
  const body = await readJsonBody(request);
  const ctx = { ws: api.ws, pool: api.pool };
  const stream = (body as { stream?: unknown })?.stream === true;
  return stream ? sseJson(request, await chatCompletionStream(ctx, body, started)) : jsonResponse(await chatCompletion(ctx, body, started));
});
