import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { lastEventId, sseResponse } from '$lib/server/sse';
import { requireRun } from '$lib/server/run-files';
import { metricsSnapshot, metricsStream } from '$lib/server/run-metrics';

/**
 * A run's training metrics. As an event stream (Accept: text/event-stream, what EventSource
 * sends): `metrics` batches of metrics.jsonl lines (id = byte offset to resume from) while the
 * run is live, then `end`. Otherwise one JSON snapshot { lines, borrowed }.
 */
export const GET = apiHandler(async ({ request, params }) => {
  const ws = await serverWorkspace();
  const id = params.id ?? '';
  requireRun(ws, id); // 404 as JSON before a stream starts
  if (!(request.headers.get('accept') ?? '').includes('text/event-stream')) return json(await metricsSnapshot(ws, id));
  const from = Number(lastEventId(request) ?? 0) || 0;
  return sseResponse(request, ({ signal }) => metricsStream(ws, id, from, signal));
});
