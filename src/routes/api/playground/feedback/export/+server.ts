import { json } from '@sveltejs/kit';
import { workbench } from '$lib/server/openai';
import { exportFeedback } from '../../../../../engine/api/feedback/export.ts';

/** Feedback → datasets feedback_sft and feedback_pairs (catalog lineage kind 'feedback'). */
export const POST = workbench(async (_e, api) => {
  const r = await exportFeedback(api.ws);
  return json({ entries: r.entries, datasets: r.datasets }, { status: 201 });
});
