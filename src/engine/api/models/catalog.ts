/**
 * Every model the API serves, by id:
 *
 *   base         the model registry's models (tunebench models; TUNEBENCH_MODELS), by name
 *   fine-tuned   each succeeded fine-tuning job  → ft:{base}:{org}:{suffix}:{tag}
 *                each succeeded train stage of a workbench run (not a job's) →
 *                ft:{base}:{org}:{pipeline}-{stage}:{run id}
 *   checkpoint   any kept checkpoint of those → …:ckpt-step-N (resolved on request, not listed)
 *
 * Each comes with the folder to load it from (a model folder, or a checkpoint folder that
 * load-trained.ts reads) and where it came from. Deleted models (state.ts) are left out.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Plan, TrainStage } from '../../../../dsl/plan.ts';
import type { Workspace } from '../../workspace.ts';
import { listModels } from '../../model/registry.ts';
import { isRunId, readStatus, runPaths, wsAbsolute, type RunStatus, type StageStatus } from '../../runs/index.ts';
import { isCheckpoint, listCheckpoints, readCheckpointMeta } from '../../train/checkpoint.ts';
import { modelNotFound } from '../errors.ts';
import { unixSeconds } from '../ids.ts';
import { jobCheckpointDirs } from '../jobs/checkpoints.ts';
import { JOB_TRAIN_STAGE } from '../jobs/pipeline.ts';
import { jobView } from '../jobs/state.ts';
import { listJobRecords, type JobRecord } from '../jobs/store.ts';
import { formatFtName, orgName, parseFtName } from './names.ts';
import { readModelsState } from './state.ts';

export interface ModelInfo {
  id: string;
  kind: 'base' | 'fine-tuned' | 'checkpoint';
  /** The base model's name (for a fine-tuned model: where its training started). */
  base: string;
  /** The folder to load (model folder or checkpoint folder). */
  dir: string;
  created: number;
  owned_by: string;
  /** Fine-tuned and checkpoints: the job and/or run and stage that produced it. */
  job: string | null;
  run_id: string | null;
  stage: string | null;
  pipeline: string | null;
  step: number | null;
  finished_at: string | null;
}

/** OpenAI's Model object. */
export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export function toModelObject(m: ModelInfo): ModelObject {
  return { id: m.id, object: 'model', created: m.created, owned_by: m.owned_by };
}

async function mtime(file: string): Promise<number> {
  return (await fsp.stat(file).catch(() => null))?.mtimeMs ?? 0;
}

async function baseModels(ws: Workspace, env: NodeJS.ProcessEnv): Promise<ModelInfo[]> {
  const out: ModelInfo[] = [];
  for (const m of await listModels(ws, env)) {
    if (m.error) continue;
    out.push({ id: m.name, kind: 'base', base: m.name, dir: m.path, created: unixSeconds(await mtime(path.join(m.path, 'config.json'))), owned_by: m.source === 'env' ? 'tunebench' : 'workspace', job: null, run_id: null, stage: null, pipeline: null, step: null, finished_at: null });
  }
  return out;
}

function mainDir(ws: Workspace, stage: StageStatus | undefined): string | null {
  const out = stage?.state === 'succeeded' ? stage.outputs.main : undefined;
  return out ? wsAbsolute(ws, out.path) : null;
}

async function jobModels(ws: Workspace, jobs: JobRecord[], env: NodeJS.ProcessEnv): Promise<ModelInfo[]> {
  const out: ModelInfo[] = [];
  for (const r of jobs) {
    const v = await jobView(ws, r, env);
    const dir = v.status === 'succeeded' ? mainDir(ws, v.train ?? undefined) : null;
    if (!dir || !v.run) continue;
    out.push({ id: v.modelId, kind: 'fine-tuned', base: r.spec.model, dir, created: unixSeconds(v.run.finished_at ?? r.created_at), owned_by: orgName(env), job: r.id, run_id: v.run.run_id, stage: JOB_TRAIN_STAGE, pipeline: v.run.pipeline, step: null, finished_at: v.run.finished_at });
  }
  return out;
}

function rootBase(stage: TrainStage): string {
  return stage.params.base.kind === 'model' ? stage.params.base.name : stage.params.base.root.name;
}

async function readPlan(ws: Workspace, runId: string): Promise<Plan | null> {
  try {
    return JSON.parse(await fsp.readFile(runPaths(ws, runId).plan, 'utf8')) as Plan;
  } catch {
    return null;
  }
}

/** Train stages of succeeded workbench runs (runs of jobs are listed as the jobs' models). */
async function runModels(ws: Workspace, jobRuns: Set<string>, env: NodeJS.ProcessEnv): Promise<ModelInfo[]> {
  const ids = (await fsp.readdir(ws.runsDir).catch(() => [] as string[])).filter((id) => isRunId(id) && !jobRuns.has(id)).sort().reverse();
  const out: ModelInfo[] = [];
  for (const runId of ids) {
    const status = await readStatus(ws, runId).catch(() => null);
    if (!status || !status.stages.some((s) => s.kind === 'train' && s.state === 'succeeded')) continue;
    const plan = await readPlan(ws, runId);
    if (!plan) continue;
    for (const st of status.stages) {
      const dir = st.kind === 'train' ? mainDir(ws, st) : null;
      const stage = plan.stages.find((s) => s.id === st.id) as TrainStage | undefined;
      if (!dir || !stage) continue;
      const base = rootBase(stage);
      const id = formatFtName({ base, org: orgName(env), suffix: `${plan.pipeline}-${st.id}`, tag: runId });
      out.push({ id, kind: 'fine-tuned', base, dir, created: unixSeconds(st.finished_at ?? status.created_at), owned_by: orgName(env), job: null, run_id: runId, stage: st.id, pipeline: plan.pipeline, step: null, finished_at: st.finished_at });
    }
  }
  return out;
}

/** Base models first (registry order), then fine-tuned models, newest first. */
export async function listModelInfos(ws: Workspace, env: NodeJS.ProcessEnv = process.env): Promise<ModelInfo[]> {
  const jobs = await listJobRecords(ws);
  const jobRuns = new Set(jobs.flatMap((j) => j.runs));
  const state = await readModelsState(ws);
  const tuned = [...(await jobModels(ws, jobs, env)), ...(await runModels(ws, jobRuns, env))].filter((m) => !state.deleted[m.id]).sort((a, b) => b.created - a.created);
  return [...(await baseModels(ws, env)), ...tuned];
}

/** Checkpoint folders of a fine-tuned model (job or run), with their steps. */
export async function modelCheckpoints(ws: Workspace, m: ModelInfo): Promise<{ step: number; dir: string; name: string; created_at: string }[]> {
  if (m.job) {
    const jobs = await listJobRecords(ws);
    const job = jobs.find((j) => j.id === m.job);
    return job ? (await jobCheckpointDirs(ws, job)).map((c) => ({ step: c.meta.step, dir: c.dir, name: c.meta.name, created_at: c.meta.created_at })) : [];
  }
  if (!m.run_id || !m.stage) return [];
  const dirs = new Set(listCheckpoints(path.join(runPaths(ws, m.run_id).checkpointsDir, m.stage)).map((c) => c.dir));
  const status: RunStatus | null = await readStatus(ws, m.run_id).catch(() => null);
  for (const o of Object.values(status?.stages.find((s) => s.id === m.stage)?.outputs ?? {})) dirs.add(wsAbsolute(ws, o.path));
  const bySteps = new Map<number, { step: number; dir: string; name: string; created_at: string }>();
  for (const dir of dirs) {
    if (!fs.existsSync(dir) || !isCheckpoint(dir)) continue;
    const meta = readCheckpointMeta(dir);
    bySteps.set(meta.step, { step: meta.step, dir, name: meta.name, created_at: meta.created_at });
  }
  return [...bySteps.values()].sort((a, b) => a.step - b.step);
}

function jobPlaceholder(job: JobRecord, id: string, env: NodeJS.ProcessEnv): ModelInfo {
  return { id, kind: 'fine-tuned', base: job.spec.model, dir: '', created: unixSeconds(job.created_at), owned_by: orgName(env), job: job.id, run_id: job.runs[job.runs.length - 1] ?? null, stage: JOB_TRAIN_STAGE, pipeline: null, step: null, finished_at: null };
}

const cache = new Map<string, { at: number; info: ModelInfo }>();
const CACHE_MS = 5000;

/**
 * Finds a model by id (a base name, a fine-tuned id, or a checkpoint id); 404 model_not_found
 * otherwise. Answers are cached for a few seconds: chat requests resolve their model every time.
 */
export async function resolveModelId(ws: Workspace, id: string, env: NodeJS.ProcessEnv = process.env, param = 'model'): Promise<ModelInfo> {
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < CACHE_MS && fs.existsSync(hit.info.dir)) return hit.info;
  const ft = parseFtName(id);
  const all = await listModelInfos(ws, env);
  let info: ModelInfo | undefined;
  if (ft && ft.step !== null) {
    const parentId = formatFtName({ ...ft, step: null });
    const state = await readModelsState(ws);
    // A job's checkpoints are usable before the job has finished (paused, running).
    const job = state.deleted[parentId] ? undefined : (await listJobRecords(ws)).find((j) => j.tag === ft.tag && j.spec.model === ft.base);
    const parent = all.find((m) => m.id === parentId) ?? (job ? jobPlaceholder(job, parentId, env) : undefined);
    const ck = parent ? (await modelCheckpoints(ws, parent)).find((c) => c.step === ft.step) : undefined;
    if (parent && ck) info = { ...parent, id, kind: 'checkpoint', dir: ck.dir, step: ck.step, created: unixSeconds(ck.created_at) };
  } else info = all.find((m) => m.id === id);
  if (!info) throw modelNotFound(id, param);
  cache.set(id, { at: Date.now(), info });
  return info;
}

/** Forgets cached resolutions (after a delete). */
export function forgetModel(id?: string): void {
  if (id === undefined) cache.clear();
  else for (const k of cache.keys()) if (k === id || k.startsWith(`${id}:`)) cache.delete(k);
}
