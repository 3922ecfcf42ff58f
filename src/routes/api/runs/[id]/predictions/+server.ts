import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { predictionsPage } from '$lib/server/predictions';

/** ?stage=&model=&offset=&limit=&q=&sort=&desc=1 → a page of the eval's predictions.parquet with the matching total. */
export const GET = apiHandler(async ({ params, url }) => {
  const p = url.searchParams;
  const page = await predictionsPage(await serverWorkspace(), params.id ?? '', {
    stage: p.get('stage'),
    model: p.get('model'),
    offset: Number(p.get('offset') ?? 0) || 0,
    limit: Number(p.get('limit') ?? 100) || 100,
    q: p.get('q'),
    sort: p.get('sort'),
    desc: p.get('desc') === '1' || p.get('desc') === 'true'
  });
  return json(page);
});
