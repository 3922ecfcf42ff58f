import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { readJson } from '$lib/server/body';
import { requireRun } from '$lib/server/run-files';
import { exportRun, listExports, type ExportRequest } from '$lib/server/run-exports';

/** The run's exports so far. */
export const GET = apiHandler(async ({ params }) => {
  const ws = await serverWorkspace();
  requireRun(ws, params.id ?? '');
  return json(await listExports(ws, params.id ?? ''));
});

/** { stage?, checkpoint? (final), format: adapter | merged | int8 } → runs tunebench export; 201 with the export (files, download URL). */
export const POST = apiHandler(async ({ request, params }) => {
  const body = await readJson<ExportRequest>(request);
  return json(await exportRun(await serverWorkspace(), params.id ?? '', body), { status: 201 });
});
