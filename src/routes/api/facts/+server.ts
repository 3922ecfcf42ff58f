import { json } from '@sveltejs/kit';
import { apiHandler } from '$lib/server/api-error';
import { serverWorkspace } from '$lib/server/workspace';
import { readJson } from '$lib/server/body';
import { answerNeeds, editorFacts, parseNeeds } from '$lib/server/editor-facts';

/** The pipeline checker's facts about this workspace: dataset columns (every version) and base models. */
export const GET = apiHandler(async () => json(await editorFacts(await serverWorkspace())));

/** { needs } from a browser-side check() → the facts only the server has (file sources, SQL verdicts). */
export const POST = apiHandler(async ({ request }) => {
  const body = await readJson<{ needs?: unknown }>(request);
  return json(await answerNeeds(await serverWorkspace(), parseNeeds(body.needs)));
});
