import type { PageServerLoad } from './$types';
import { apiServices } from '$lib/server/openai';
import { listModelInfos } from '../../engine/api/models/catalog.ts';
import { readFeedback } from '../../engine/api/feedback/store.ts';

export const load: PageServerLoad = async ({ url }) => {
  const api = await apiServices();
  api.pool.warm();
  const models = (await listModelInfos(api.ws)).map((m) => ({ id: m.id, kind: m.kind, base: m.base }));
  const entries = readFeedback(api.ws);
  return {
    models,
    initial: url.searchParams.get('model'),
    feedback: { entries: entries.length, rated: entries.filter((e) => e.rating !== null).length, edited: entries.filter((e) => e.edited !== null).length }
  };
};
