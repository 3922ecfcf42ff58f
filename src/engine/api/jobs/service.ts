/**
 * The /v1/fine_tuning/jobs verbs: create, list, retrieve, cancel, pause, resume. A job is a
 * record (store.ts) and the pipeline text generated from it (pipeline.ts); the queue (queue.ts)
 * runs it in its own process, and its state is read back from the run store (state.ts).
 */
import path from 'node:path';
import type { Workspace } from '../../workspace.ts';
import { listModels } from '../../model/registry.ts';
import { cancelRun, checkPipeline, PipelineCheckError } from '../../runs/index.ts';
import { badParam, invalidState, modelNotFound } from '../errors.ts';
import { newJobId, randomBase62 } from '../ids.ts';
import { fileContentPath, readFileRecord } from '../files/store.ts';
import { parseFtName } from '../models/names.ts';
import { paginate, type ListPage, type PageQuery } from '../pagination.ts';
import { jobPipeline, pipelineFileOf } from './pipeline.ts';
import { parseJobSpec } from './spec.ts';
import { jobView, toJobObject, TERMINAL_JOB, type FineTuningJobObject, type JobView } from './state.ts';
import { createJobRecord, jobEvent, listJobRecords, readJob, updateJob, JOB_FORMAT, JOB_VERSION, type JobRecord } from './store.ts';

export interface JobContext {
  ws: Workspace;
  /** Called when a job becomes pending (the server's queue picks it up). */
  notify: () => void;
  env?: NodeJS.ProcessEnv;
}

async function usableFile(ws: Workspace, id: string, param: 'training_file' | 'validation_file'): Promise<string> {
  let rec;
  try {
    rec = await readFileRecord(ws, id, param);
  } catch {
    throw badParam(param, `invalid ${param}: ${id} is not an uploaded file (upload one with POST /v1/files, purpose fine-tune)`, 'invalid_file');
  }
  if (rec.purpose !== 'fine-tune') throw badParam(param, `${param} ${id} was uploaded with purpose '${rec.purpose}', not fine-tune`, 'invalid_file_purpose');
  if (rec.status !== 'processed') throw badParam(param, `${param} ${id} (${rec.filename}) failed validation: ${rec.status_details ?? rec.status}`, 'invalid_file');
  return path.relative(ws.root, fileContentPath(ws, rec)).split(path.sep).join('/');
}

async function uniqueTag(ws: Workspace): Promise<string> {
  const taken = new Set((await listJobRecords(ws)).map((r) => r.tag));
  for (;;) {
    const tag = randomBase62(8);
    if (!taken.has(tag)) return tag;
  }
}

export async function createJob(ctx: JobContext, body: unknown): Promise<FineTuningJobObject> {
  const { ws } = ctx;
  const env = ctx.env ?? process.env;
  const spec = parseJobSpec(body);
  const models = await listModels(ws, env);
  if (!models.some((m) => m.name === spec.model && !m.error)) {
    if (parseFtName(spec.model)) throw badParam('model', `continuing the fine-tuning of a fine-tuned model (${spec.model}) is not supported yet: fine-tune a base model (GET /v1/models)`, 'unsupported_model');
    throw modelNotFound(spec.model);
  }
  const training = await usableFile(ws, spec.training_file, 'training_file');
  const validation = spec.validation_file ? await usableFile(ws, spec.validation_file, 'validation_file') : null;
  const id = newJobId();
  const created_at = new Date().toISOString();
  const tag = await uniqueTag(ws);
  const source = jobPipeline({ id, tag, spec, created_at }, { training, validation });
  const file = pipelineFileOf(id);
  try {
    await checkPipeline(ws, { source, file }, env);
  } catch (e) {
    if (e instanceof PipelineCheckError) throw badParam(null, `the job's pipeline does not check:\n${e.rendered}`, 'invalid_job');
    throw e;
  }
  const record: JobRecord = { format: JOB_FORMAT, version: JOB_VERSION, id, tag, created_at, spec, pipeline: { file, source }, runs: [], pending: true, cancelled_at: null, paused_at: null, error: null, restarts: 0 };
  await createJobRecord(ws, record);
  jobEvent(ws, id, { level: 'info', message: `Created fine-tuning job: ${id}`, data: { model: spec.model, training_file: spec.training_file, validation_file: spec.validation_file } });
  jobEvent(ws, id, { level: 'info', message: `Validated training file: ${spec.training_file}${spec.validation_file ? ` and validation file: ${spec.validation_file}` : ''}` });
  ctx.notify();
  return toJobObject(ws, await jobView(ws, record, env), env);
}

export async function retrieveJob(ctx: JobContext, id: string): Promise<FineTuningJobObject> {
  return toJobObject(ctx.ws, await jobView(ctx.ws, await readJob(ctx.ws, id), ctx.env), ctx.env);
}

export interface JobListQuery extends PageQuery {
  /** metadata[k]=v pairs that must all match; null = jobs without metadata. */
  metadata?: Record<string, string> | null;
}

/** Reads OpenAI's metadata filter from a query string: metadata[key]=value, or metadata=null. */
export function metadataFilter(params: URLSearchParams): Record<string, string> | null | undefined {
  if (params.get('metadata') === 'null') return null;
  const out: Record<string, string> = {};
  let any = false;
  for (const [k, v] of params) {
    const m = /^metadata\[(.+)\]$/.exec(k);
    if (m) {
      out[m[1]] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}

export async function listJobs(ctx: JobContext, q: JobListQuery): Promise<ListPage<FineTuningJobObject>> {
  let records = await listJobRecords(ctx.ws);
  if (q.metadata === null) records = records.filter((r) => !r.spec.metadata || !Object.keys(r.spec.metadata).length);
  else if (q.metadata) records = records.filter((r) => Object.entries(q.metadata!).every(([k, v]) => r.spec.metadata?.[k] === v));
  const page = paginate(records, q);
  const data = [];
  for (const r of page.data) data.push(await toJobObject(ctx.ws, await jobView(ctx.ws, r, ctx.env), ctx.env));
  return { ...page, data };
}

function liveRun(v: JobView): string | null {
  return v.run && !v.stale && (v.run.status === 'queued' || v.run.status === 'running') ? v.run.run_id : null;
}

export async function cancelJob(ctx: JobContext, id: string): Promise<FineTuningJobObject> {
  const { ws } = ctx;
  const v = await jobView(ws, await readJob(ws, id), ctx.env);
  if (TERMINAL_JOB.has(v.status)) throw invalidState(`Job ${id} has already ${v.status === 'succeeded' ? 'completed' : v.status === 'failed' ? 'failed' : 'been cancelled'}; only a job that has not finished can be cancelled`, 'job_already_finished');
  await updateJob(ws, id, (r) => {
    r.cancelled_at = new Date().toISOString();
    r.pending = false;
  });
  const run = liveRun(v);
  if (run) await cancelRun(ws, run, 'cancelled by request');
  jobEvent(ws, id, { level: 'info', message: 'Fine-tuning job cancelled' });
  return retrieveJob(ctx, id);
}

export async function pauseJob(ctx: JobContext, id: string): Promise<FineTuningJobObject> {
  const { ws } = ctx;
  const v = await jobView(ws, await readJob(ws, id), ctx.env);
  if (!['queued', 'validating_files', 'running'].includes(v.status)) throw invalidState(`Job ${id} is ${v.status}; only a queued or running job can be paused`, 'job_not_running');
  await updateJob(ws, id, (r) => {
    r.paused_at = new Date().toISOString();
    r.pending = false;
  });
  const run = liveRun(v);
  if (run) await cancelRun(ws, run, 'paused by request');
  jobEvent(ws, id, { level: 'info', message: run ? 'Pausing: training stops at the next step and saves a checkpoint' : 'Fine-tuning job paused' });
  return retrieveJob(ctx, id);
}

export async function resumeJob(ctx: JobContext, id: string): Promise<FineTuningJobObject> {
  const { ws } = ctx;
  const v = await jobView(ws, await readJob(ws, id), ctx.env);
  if (v.status !== 'paused') throw invalidState(`Job ${id} is ${v.status}; only a paused job can be resumed${v.status === 'pausing' ? ' (it is still stopping: try again in a moment)' : ''}`, 'job_not_paused');
  await updateJob(ws, id, (r) => {
    r.paused_at = null;
    r.pending = true;
  });
  jobEvent(ws, id, { level: 'info', message: 'Fine-tuning job resumed: it continues from its newest checkpoint' });
  ctx.notify();
  return retrieveJob(ctx, id);
}

/** The unfinished job (if any) that needs `fileId` (files in use are not deleted). */
export async function jobUsingFile(ctx: JobContext, fileId: string): Promise<string | null> {
  for (const r of await listJobRecords(ctx.ws)) {
    if (r.spec.training_file !== fileId && r.spec.validation_file !== fileId) continue;
    const v = await jobView(ctx.ws, r, ctx.env);
    if (!TERMINAL_JOB.has(v.status)) return r.id;
  }
  return null;
}
