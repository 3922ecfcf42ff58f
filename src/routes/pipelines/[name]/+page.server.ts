import type { PageServerLoad } from './$types';
import { serverWorkspace } from '$lib/server/workspace';
import { readPipeline } from '$lib/server/pipelines';
import { editorFacts } from '$lib/server/editor-facts';
import { orPageError } from '$lib/server/page-load';

export const load: PageServerLoad = async ({ params }) => {
  const ws = await serverWorkspace();
  const [file, facts] = await Promise.all([orPageError(readPipeline(ws, params.name)), editorFacts(ws)]);
  return { file, facts };
};
