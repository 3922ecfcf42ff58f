import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { lastEventId, sseResponse } from '$lib/server/sse';
import { jobEvents, readJob } from '$lib/server/import-jobs';

/** An upload job's progress over SSE: progress…, then done (the report) or failed; then end. */
export const GET = apiHandler(async ({ request, params }) => {
  const ws = await serverWorkspace();
  const id = params.id ?? '';
  await readJob(ws, id); // a 404 as JSON before the stream starts
  const from = Number(lastEventId(request) ?? 0) || 0;
  return sseResponse(request, ({ signal }) => jobEvents(ws, id, from, signal));
});
