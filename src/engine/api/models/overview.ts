/**
 * The models page's data: every model with its lineage, checkpoints, retention (pinned,
 * exported, expiry), exports and serving metrics, in one call.
 */
import type { Workspace } from '../../workspace.ts';
import { servingStats, type ModelServingStats } from '../serving/metrics.ts';
import { listModelInfos, modelCheckpoints, type ModelInfo } from './catalog.ts';
import { modelLineage, type Lineage } from './lineage.ts';
import { formatFtName, parseFtName } from './names.ts';
import { exportedInRun, retentionOf, retentionMs, type Retention } from './retention.ts';
import { readModelsState, type ExportRecord } from './state.ts';

export interface ModelCard {
  id: string;
  kind: ModelInfo['kind'];
  base: string;
  created: number;
  owned_by: string;
  lineage: Lineage | null;
  checkpoints: { id: string; step: number; name: string }[];
  retention: Retention;
  exports: ExportRecord[];
  serving: ModelServingStats | null;
}

export interface ModelsOverview {
  models: ModelCard[];
  /** Retention period in days (null: never expires). */
  retention_days: number | null;
}

export async function modelsOverview(ws: Workspace, env: NodeJS.ProcessEnv = process.env): Promise<ModelsOverview> {
  const [infos, state, serving] = await Promise.all([listModelInfos(ws, env), readModelsState(ws), servingStats(ws)]);
  const models: ModelCard[] = [];
  for (const m of infos) {
    const ft = parseFtName(m.id);
    const checkpoints = m.kind === 'fine-tuned' && ft ? (await modelCheckpoints(ws, m)).map((c) => ({ id: formatFtName({ ...ft, step: c.step }), step: c.step, name: c.name })) : [];
    models.push({ id: m.id, kind: m.kind, base: m.base, created: m.created, owned_by: m.owned_by, lineage: await modelLineage(ws, m), checkpoints, retention: retentionOf(m, state, env, exportedInRun(ws, m)), exports: state.exports[m.id] ?? [], serving: serving.get(m.id) ?? null });
  }
  const ms = retentionMs(env);
  return { models, retention_days: ms === null ? null : ms / 86_400_000 };
}

/** Pins (or unpins) a fine-tuned model: pinned models never expire. */
export async function pinModel(ws: Workspace, id: string, pinned: boolean, env: NodeJS.ProcessEnv = process.env): Promise<Retention> {
  const { resolveModelId } = await import('./catalog.ts');
  const { updateModelsState } = await import('./state.ts');
  const m = await resolveModelId(ws, id, env);
  await updateModelsState(ws, (s) => {
    if (pinned) s.pinned[id] = new Date().toISOString();
    else delete s.pinned[id];
  });
  return retentionOf(m, await readModelsState(ws), env, exportedInRun(ws, m));
}
