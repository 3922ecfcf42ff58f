import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { lastEventId, sseResponse } from '$lib/server/sse';
import { runEvents, runRecord } from '$lib/server/pipeline-runs';

/** A run's events.jsonl over SSE (one message per RunEvent, id = byte offset to resume from), then `end`. */
export const GET = apiHandler(async ({ request, params }) => {
  const ws = await serverWorkspace();
  const id = params.id ?? '';
  await runRecord(ws, id); // 404 as JSON before the stream starts
  const from = Number(lastEventId(request) ?? 0) || 0;
  return sseResponse(request, ({ signal }) => runEvents(ws, id, from, signal));
});
