import type { PageServerLoad } from './$types';
import { apiServices } from '$lib/server/openai';
import { modelsOverview } from '../../engine/api/models/overview.ts';

export const load: PageServerLoad = async () => {
  const api = await apiServices();
  return { overview: await modelsOverview(api.ws) };
};
