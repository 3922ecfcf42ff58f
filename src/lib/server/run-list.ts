/**
 * The runs list: every run's run.json, status.json and the tail of its metrics.jsonl (the same
 * facts as the engine's listRuns), plus the scores of its last finished eval stage (that stage's
 * summary in status.json). Read synchronously (run-files.ts: the list stays fast while a run
 * trains in the server process); 100 runs take a few milliseconds.
 */
import { runBasics, runPaths, type RunStatus } from '../../engine/runs/index.ts';
import type { Workspace } from '../../engine/workspace.ts';
import type { RunRow } from '$lib/runs';
import { lastMetricsSync, readManifestSync, readStatusSync, runIdsSync } from './run-files.ts';

/** Scores of the last model of the last finished eval stage (its status summary). */
export function evalScores(status: RunStatus): RunRow['eval'] {
  for (const st of [...status.stages].reverse()) {
    if (st.kind !== 'eval' || st.state !== 'succeeded' || !st.summary) continue;
    const models = Array.isArray(st.summary.models) ? (st.summary.models as string[]) : [];
    const all = (st.summary.scores ?? {}) as Record<string, Record<string, number | null>>;
    const model = models[models.length - 1];
    if (!model) continue;
    const scores: Record<string, number> = {};
    for (const [k, v] of Object.entries(all[model] ?? {})) if (typeof v === 'number' && Number.isFinite(v)) scores[k] = v;
    return { stage: st.id, model, models, scores };
  }
  return null;
}

function num(m: Record<string, number>, ...keys: string[]): number | null {
  for (const k of keys) if (typeof m[k] === 'number') return m[k];
  return null;
}

export function runRow(ws: Workspace, id: string): RunRow {
  const manifest = readManifestSync(ws, id);
  const status = readStatusSync(ws, id);
  const metrics = lastMetricsSync(runPaths(ws, id).metrics);
  return {
    id,
    ...runBasics(manifest, status),
    val_loss: num(metrics, 'full_valid_loss', 'valid_loss'),
    train_loss: num(metrics, 'train_loss'),
    eval: evalScores(status)
  };
}

/** Every run, newest first, with key metrics; unreadable run folders are named in `skipped`. */
export async function listRunRows(ws: Workspace): Promise<{ runs: RunRow[]; skipped: string[] }> {
  const runs: RunRow[] = [];
  const skipped: string[] = [];
  for (const id of runIdsSync(ws)) {
    try {
      runs.push(runRow(ws, id));
    } catch {
      skipped.push(id);
    }
  }
  return { runs, skipped };
}
