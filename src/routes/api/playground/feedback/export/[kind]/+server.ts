import path from 'node:path';
import { ApiFailure } from '$lib/server/api-error';
import { serveFile } from '$lib/server/serve-file';
import { workbench } from '$lib/server/openai';
import { feedbackDir } from '../../../../../../engine/api/feedback/store.ts';

const FILES: Record<string, string> = { sft: 'feedback_sft.jsonl', pairs: 'feedback_pairs.jsonl', dpo: 'feedback_dpo.jsonl' };

/** The last export as JSON Lines: sft, pairs, or dpo (OpenAI's preference fine-tuning format). */
export const GET = workbench(async ({ params, request }, api) => {
  const name = FILES[params.kind!];
  if (!name) throw new ApiFailure(404, 'unknown_export', `no feedback export '${params.kind}': use sft, pairs or dpo`);
  return serveFile(request, path.join(feedbackDir(api.ws), 'exports', name), { contentType: 'application/x-ndjson', downloadName: name });
});
