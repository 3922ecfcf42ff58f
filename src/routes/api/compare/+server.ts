import { json } from '@sveltejs/kit';
import { ApiFailure, apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { parseCompareQuery } from '$lib/compare-url';
import { compareFromQuery } from '$lib/server/run-compare';

/** The compare page's query (?runs=A,B:tuned or ?run=ID&models=base,tuned, &stage, &by, &top) → CompareResult (tunebench compare --json) with side facts. */
export const GET = apiHandler(async ({ url }) => {
  const parsed = parseCompareQuery(url.searchParams);
  if (!parsed.ok) throw new ApiFailure(400, 'bad_compare_query', parsed.error, { field: parsed.field });
  if (parsed.query.kind === 'none') throw new ApiFailure(400, 'bad_compare_query', 'say what to compare: ?runs=RUN_A,RUN_B or ?run=RUN&models=base,tuned', { field: 'runs' });
  return json(await compareFromQuery(await serverWorkspace(), parsed.query));
});
