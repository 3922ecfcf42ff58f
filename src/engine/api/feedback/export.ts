/**
 * Feedback as training data:
 *
 *   SFT rows        the conversation plus the accepted answer (thumbs up) or the corrected one
 *                   (an edit), in OpenAI's chat format, with metadata model, rating, style
 *   preference pairs for one conversation, an answer preferred over another: a thumbs-up or
 *                   edited answer over a thumbs-down one, and an edit over the answer it
 *                   corrected. As a chat dataset (the preferred answer as the assistant turn,
 *                   the other in the metadata column `rejected`) and as OpenAI's DPO JSON Lines
 *                   (input / preferred_output / non_preferred_output)
 *
 * Both chat datasets are imported into the workspace (feedback_sft, feedback_pairs) through the
 * normal importer, so a pipeline can use them (`dataset x from workspace feedback_sft`), and
 * their catalog lineage says kind 'feedback'. An unchanged export is the same version.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Workspace } from '../../workspace.ts';
import { importDataset } from '../../data/import.ts';
import { updateCatalog } from '../../data/catalog.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { badParam } from '../errors.ts';
import { feedbackDir, feedbackLog, readFeedback, type FeedbackEntry } from './store.ts';

export interface FeedbackRows {
  sft: Record<string, unknown>[];
  pairs: Record<string, unknown>[];
  dpo: Record<string, unknown>[];
}

const keyOf = (e: FeedbackEntry) => JSON.stringify(e.messages.map((m) => [m.role, m.content]));

export function feedbackRows(entries: FeedbackEntry[]): FeedbackRows {
  const sft: Record<string, unknown>[] = [];
  const pairs: Record<string, unknown>[] = [];
  const dpo: Record<string, unknown>[] = [];
  const pair = (e: FeedbackEntry, chosen: string, rejected: string, kind: string, rejectedModel: string) => {
    pairs.push({ messages: [...e.messages, { role: 'assistant', content: chosen }], rejected, kind, chosen_model: e.model, rejected_model: rejectedModel });
    dpo.push({ input: { messages: e.messages }, preferred_output: [{ role: 'assistant', content: chosen }], non_preferred_output: [{ role: 'assistant', content: rejected }] });
  };
  const groups = new Map<string, FeedbackEntry[]>();
  for (const e of entries) {
    const good = e.edited ?? (e.rating === 'up' ? e.answer : null);
    if (good !== null) sft.push({ messages: [...e.messages, { role: 'assistant', content: good }], model: e.model, rating: e.rating ?? 'edited', style: e.style ?? '' });
    if (e.edited !== null && e.edited !== e.answer) pair(e, e.edited, e.answer, 'edit', e.model);
    groups.set(keyOf(e), [...(groups.get(keyOf(e)) ?? []), e]);
  }
  for (const g of groups.values()) {
    const preferred = g.filter((e) => e.rating === 'up' || (e.edited !== null && e.rating !== 'down'));
    const rejected = g.filter((e) => e.rating === 'down');
    for (const p of preferred) for (const r of rejected) pair(p, p.edited ?? p.answer, r.answer, 'up-down', r.model);
  }
  return { sft, pairs, dpo };
}

export interface FeedbackExport {
  entries: number;
  datasets: { name: string; version: number | null; rows: number; status: string }[];
  files: { sft: string; pairs: string; dpo: string };
}

async function importAs(ws: Workspace, file: string, name: string, rows: number): Promise<FeedbackExport['datasets'][number]> {
  if (!rows) return { name, version: null, rows: 0, status: 'empty' };
  const r = await importDataset(ws, file, { name, workers: 1 });
  if (!r.ok || !r.version) throw new Error(`importing ${name} failed: ${r.message}`);
  const key = r.version.key;
  await updateCatalog(ws, (c) => {
    const v = c.datasets[name]?.versions.find((x) => x.key === key);
    if (v) v.lineage = { kind: 'feedback', source: path.relative(ws.root, feedbackLog(ws)).split(path.sep).join('/') };
  });
  return { name, version: r.version.version, rows: r.version.rows, status: r.status };
}

const jsonl = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');

export async function exportFeedback(ws: Workspace): Promise<FeedbackExport> {
  const entries = readFeedback(ws);
  const rows = feedbackRows(entries);
  if (!rows.sft.length && !rows.pairs.length) throw badParam(null, 'no usable feedback yet: rate answers with thumbs up or down, or edit them, in the playground', 'no_feedback');
  const dir = path.join(feedbackDir(ws), 'exports');
  fs.mkdirSync(dir, { recursive: true });
  const files = { sft: path.join(dir, 'feedback_sft.jsonl'), pairs: path.join(dir, 'feedback_pairs.jsonl'), dpo: path.join(dir, 'feedback_dpo.jsonl') };
  await writeFileAtomic(files.sft, jsonl(rows.sft));
  await writeFileAtomic(files.pairs, jsonl(rows.pairs));
  await writeFileAtomic(files.dpo, jsonl(rows.dpo));
  const datasets = [await importAs(ws, files.sft, 'feedback_sft', rows.sft.length), await importAs(ws, files.pairs, 'feedback_pairs', rows.pairs.length)];
  return { entries: entries.length, datasets, files };
}
