/**
 * Retention of fine-tuned models, as the cloud console does it: a fine-tuned model (of an API job
 * or of a workbench run's train stage) that is neither exported nor pinned expires a while after
 * it was made (TUNEBENCH_MODEL_RETENTION:
 * "15d" by default; "36h", "90m", a number of days, or "never"). Expired models are deleted by
 * sweepExpired(), which the server runs at start and hourly; deleting never touches exports.
 * Base models and checkpoints do not expire on their own (a checkpoint goes with its model).
 * An expired run model leaves its run as history (record, metrics, events, exports); a rerun
 * trains that stage again because its stage-cache entry went with the model.
 */
import type { Workspace } from '../../workspace.ts';
import { readExportLog } from '../../runs/export-log.ts';
import type { ModelInfo } from './catalog.ts';
import type { ModelsState } from './state.ts';

export const DEFAULT_RETENTION_MS = 15 * 24 * 3600_000;

/** The retention period in ms, or null for "never". */
export function retentionMs(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env.TUNEBENCH_MODEL_RETENTION?.trim();
  if (!raw) return DEFAULT_RETENTION_MS;
  if (/^(never|off|none)$/i.test(raw)) return null;
  const m = /^(\d+(?:\.\d+)?)\s*(d|h|m|s)?$/i.exec(raw);
  if (!m) throw new Error(`TUNEBENCH_MODEL_RETENTION must be a duration such as 15d, 36h, 90m or never (got '${raw}')`);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[(m[2] ?? 'd').toLowerCase() as 'd' | 'h' | 'm' | 's'];
  return Number(m[1]) * unit;
}

export interface Retention {
  pinned: boolean;
  exported: boolean;
  /** ISO time it expires, or null when it does not. */
  expires_at: string | null;
}

/**
 * `runExported`: whether the run's export log (runs/<run>/exports.jsonl) names the model's stage,
 * i.e. it was exported from the run page or with `tunebench export` (see exportedInRun).
 */
export function retentionOf(m: ModelInfo, state: ModelsState, env: NodeJS.ProcessEnv = process.env, runExported = false): Retention {
  const pinned = Boolean(state.pinned[m.id]);
  const exported = runExported || (state.exports[m.id]?.length ?? 0) > 0;
  const ttl = retentionMs(env);
  const made = m.finished_at ? Date.parse(m.finished_at) : m.created * 1000;
  const expires = m.kind === 'fine-tuned' && !pinned && !exported && ttl !== null ? new Date(made + ttl).toISOString() : null;
  return { pinned, exported, expires_at: expires };
}

/** Whether the model's stage was exported from its run (run page, `tunebench export`). */
export function exportedInRun(ws: Workspace, m: ModelInfo): boolean {
  return m.run_id !== null && m.stage !== null && readExportLog(ws, m.run_id).some((e) => e.stage === m.stage);
}

/** Deletes every expired fine-tuned model; returns their ids. */
export async function sweepExpired(ws: Workspace, env: NodeJS.ProcessEnv = process.env, now = Date.now()): Promise<string[]> {
  const { listModelInfos } = await import('./catalog.ts');
  const { readModelsState } = await import('./state.ts');
  const { deleteModel } = await import('./delete.ts');
  const state = await readModelsState(ws);
  const gone: string[] = [];
  for (const m of await listModelInfos(ws, env)) {
    const r = retentionOf(m, state, env, exportedInRun(ws, m));
    if (r.expires_at && Date.parse(r.expires_at) <= now) {
      await deleteModel(ws, m.id, env);
      gone.push(m.id);
    }
  }
  return gone;
}
