import type { PageServerLoad } from './$types';
import { serverWorkspace } from '$lib/server/workspace';
import { ApiFailure } from '$lib/server/api-error';
import { compareFromQuery, pickableRuns } from '$lib/server/run-compare';
import { parseCompareQuery } from '$lib/compare-url';
import type { CompareView } from '$lib/compare';

/** The comparison the URL names, rendered on the server; a comparison that cannot be made is an error shown on the page. */
export const load: PageServerLoad = async ({ url }) => {
  const ws = await serverWorkspace();
  const parsed = parseCompareQuery(url.searchParams);
  const pickable = await pickableRuns(ws);
  let compare: CompareView | null = null;
  let error: { message: string; code: string; details?: unknown } | null = null;
  if (!parsed.ok) error = { message: parsed.error, code: 'bad_compare_query', details: { field: parsed.field } };
  else if (parsed.query.kind !== 'none') {
    try {
      compare = await compareFromQuery(ws, parsed.query);
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      error = { message: e.message, code: e.code };
    }
  }
  return { query: parsed.ok ? parsed.query : null, compare, error, pickable, with: url.searchParams.get('with') };
};
