/**
 * DELETE /v1/models/{id}: a fine-tuned model's checkpoints are removed — the run's
 * checkpoints/<stage>/ folder and the train stage's entry in the stage cache — and the id is
 * marked deleted, so it leaves /v1/models and chat answers 404. Never removed: exports
 * (runs/<run>/exports/), the run itself (its record, metrics and events stay as history), and
 * files another live model still uses (two identical jobs share one stage-cache entry).
 * Base models cannot be deleted through the API.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../../workspace.ts';
import { readStatus, runPaths } from '../../runs/index.ts';
import { OpenAIError } from '../errors.ts';
import { readJob } from '../jobs/store.ts';
import { forgetModel, listModelInfos, resolveModelId } from './catalog.ts';
import { updateModelsState } from './state.ts';

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export async function deleteModel(ws: Workspace, id: string, env: NodeJS.ProcessEnv = process.env): Promise<{ id: string; object: 'model'; deleted: true }> {
  const m = await resolveModelId(ws, id, env);
  if (m.kind === 'base') throw new OpenAIError(403, `${id} is a base model: only fine-tuned models can be deleted (remove base models with tunebench models)`, { code: 'model_not_deletable', param: 'model' });
  if (m.kind === 'checkpoint') throw new OpenAIError(400, `${id} is a checkpoint: delete its model (${id.replace(/:ckpt-step-\d+$/, '')}) instead`, { code: 'model_not_deletable', param: 'model' });
  const doomed: string[] = [];
  if (m.job) {
    const job = await readJob(ws, m.job).catch(() => null);
    for (const run of job?.runs ?? []) doomed.push(path.join(runPaths(ws, run).checkpointsDir, m.stage ?? ''));
  }
  if (m.run_id && m.stage) {
    doomed.push(path.join(runPaths(ws, m.run_id).checkpointsDir, m.stage));
    const key = (await readStatus(ws, m.run_id).catch(() => null))?.stages.find((s) => s.id === m.stage)?.cache?.key;
    if (key) doomed.push(path.join(ws.stagesDir, key));
  }
  const others = (await listModelInfos(ws, env)).filter((o) => o.id !== id && o.kind === 'fine-tuned');
  await updateModelsState(ws, (s) => {
    s.deleted[id] = new Date().toISOString();
    delete s.pinned[id];
  });
  forgetModel(id);
  for (const dir of doomed) {
    if (others.some((o) => inside(o.dir, dir))) continue;
    if (fs.existsSync(dir) && !dir.includes(`${path.sep}exports`)) await fsp.rm(dir, { recursive: true, force: true });
  }
  return { id, object: 'model', deleted: true };
}
