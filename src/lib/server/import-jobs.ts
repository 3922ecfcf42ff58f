/**
 * Upload jobs: an uploaded file imported (importDataset) or validated (validateFile) in the
 * background, in its own Node process (engine/data/import/process: startDataJob), never in the
 * server's event loop: a million-row import is seconds of CPU, and inside the server's Vite
 * bundle the import's scan worker threads could not start. Progress from the child is appended
 * to the upload folder's events.jsonl, which the page follows over SSE (tailJsonl) and can pick
 * up again after a reload. The outcome goes to job.json (worded for the web: upload-outcome.ts).
 *
 * A job that this server process is not running but that its record calls running was cut off
 * by a restart: it is reported as interrupted. The same for a job whose process was stopped
 * (server shutdown: stopUploadJobs SIGTERMs them) or killed: importDataset stores nothing that
 * it has not finished, and the catalog is written last, atomically.
 *
 *   .tunebench/uploads/<id>/<file>         the upload
 *   .tunebench/uploads/<id>/job.json       UploadJob
 *   .tunebench/uploads/<id>/events.jsonl   { type: progress | done | failed, ... } per line
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { DataJobError, startDataJob, type DataJob, type DataJobRun } from '../../engine/data/import/process/launch.ts';
import { datasetNameFromFile, validateDatasetName } from '../../engine/data/catalog.ts';
import { parseMapping } from '../../engine/data/formats/mapping.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { writeJsonAtomic } from '../../engine/util/atomic-write.ts';
import { ApiFailure } from './api-error.ts';
import { tailJsonl } from './tail-jsonl.ts';
import { outcomeOf } from './upload-outcome.ts';
import { uploadDir, type ReceivedUpload } from './uploads.ts';
import { UPLOAD_FORMATS, type UploadFormat, type UploadJob, type UploadSettings } from '$lib/uploads';

/** Jobs this process runs now (by id), with the import process of each once it is spawned. */
const running = new Map<string, { work: Promise<void>; child: DataJobRun<DataJob> | null }>();
let shutdownHooked = false;

export function jobPaths(ws: Workspace, id: string) {
  const dir = uploadDir(ws, id);
  return { dir, job: path.join(dir, 'job.json'), events: path.join(dir, 'events.jsonl') };
}

/** Reads and checks the settings from the upload's query string. */
export function uploadSettings(params: URLSearchParams, fileName: string): UploadSettings {
  const mode = params.get('mode') ?? 'import';
  if (mode !== 'import' && mode !== 'validate') throw new ApiFailure(400, 'bad_mode', `mode must be import or validate, got '${mode}'`);
  const name = (params.get('name') ?? '').trim() || datasetNameFromFile(fileName);
  const bad = mode === 'import' ? validateDatasetName(name) : null;
  if (bad) throw new ApiFailure(400, 'bad_dataset_name', bad, { field: 'name' });
  const format = params.get('format') || null;
  if (format !== null && !(UPLOAD_FORMATS as readonly string[]).includes(format)) {
    throw new ApiFailure(400, 'bad_format', `format must be one of ${UPLOAD_FORMATS.join(', ')} (or empty to detect it), got '${format}'`, { field: 'format' });
  }
  const skip = params.get('skipInvalid');
  const map = (params.get('map') ?? '').trim();
  if (map) {
    try {
      parseMapping(map, 'mapping');
    } catch (e) {
      throw new ApiFailure(400, 'bad_mapping', (e as Error).message, { field: 'map' });
    }
  }
  return { mode, name, format: format as UploadFormat | null, skipInvalid: skip === '1' || skip === 'true', ...(map ? { map } : {}) };
}

export async function readJob(ws: Workspace, id: string): Promise<UploadJob> {
  const p = jobPaths(ws, id);
  let job: UploadJob;
  try {
    job = JSON.parse(await fsp.readFile(p.job, 'utf8')) as UploadJob;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiFailure(404, 'upload_not_found', `no upload '${id}' (uploads that were not imported are removed after a day)`);
    throw e;
  }
  if (job.state === 'running' && !running.has(id)) {
    job = { ...job, state: 'interrupted', error: 'the server stopped while this file was being processed; nothing was imported. Upload it again.', finished_at: job.finished_at ?? new Date().toISOString() };
    await writeJsonAtomic(p.job, job);
    await append(p.events, { type: 'failed', message: job.error });
  }
  return job;
}

async function append(file: string, value: unknown): Promise<void> {
  await fsp.appendFile(file, JSON.stringify(value) + '\n');
}

/** Creates the job record and starts the work (in its own process); returns at once. */
export async function startUploadJob(ws: Workspace, upload: ReceivedUpload, displayName: string, settings: UploadSettings): Promise<UploadJob> {
  if (!shutdownHooked) {
    shutdownHooked = true;
    process.once('sveltekit:shutdown' as 'exit', () => stopUploadJobs());
  }
  const p = jobPaths(ws, upload.id);
  const job: UploadJob = {
    id: upload.id,
    file: displayName,
    bytes: upload.bytes,
    settings,
    state: 'running',
    created_at: new Date().toISOString(),
    finished_at: null,
    error: null,
    outcome: null
  };
  await writeJsonAtomic(p.job, job);
  await fsp.writeFile(p.events, '');
  const entry: { work: Promise<void>; child: DataJobRun<DataJob> | null } = { work: Promise.resolve(), child: null };
  entry.work = runJob(ws, upload, job, (child) => (entry.child = child)).finally(() => running.delete(upload.id));
  running.set(upload.id, entry);
  return job;
}

function dataJob(ws: Workspace, upload: ReceivedUpload, job: UploadJob): DataJob {
  const { settings } = job;
  const format = settings.format ?? undefined;
  // Checked by uploadSettings(); crosses to the child as the object importDataset takes.
  const mapping = settings.map ? parseMapping(settings.map, 'mapping') : undefined;
  return settings.mode === 'import'
    ? { mode: 'import', workspace: ws.root, file: upload.file, options: { format, mapping, name: settings.name, skipInvalid: settings.skipInvalid } }
    : { mode: 'validate', file: upload.file, options: { format, mapping, tmpDir: ws.tmpDir, displayName: job.file } };
}

async function runJob(ws: Workspace, upload: ReceivedUpload, job: UploadJob, onChild: (child: DataJobRun<DataJob>) => void): Promise<void> {
  const p = jobPaths(ws, upload.id);
  // Progress lines are appended in order: each waits for the one before. The child throttles them.
  let chain = Promise.resolve();
  const onProgress = (pr: { bytes: number; totalBytes: number; rows: number }) => {
    chain = chain.then(() => append(p.events, { type: 'progress', bytes: pr.bytes, totalBytes: pr.totalBytes, rows: pr.rows })).catch(() => {});
  };
  const started = Date.now();
  try {
    const child = startDataJob(dataJob(ws, upload, job), { onProgress });
    onChild(child);
    const outcome = outcomeOf(job.settings, await child.done, Date.now() - started);
    await chain;
    await writeJsonAtomic(p.job, { ...job, state: 'done', finished_at: new Date().toISOString(), outcome } satisfies UploadJob);
    await append(p.events, { type: 'done', ...outcome });
  } catch (e) {
    // Stopped (server shutdown) or killed: interrupted, as after a restart. Nothing was imported.
    const stopped = e instanceof DataJobError && e.kind === 'stopped';
    const message = stopped ? `${e.message}; nothing was imported. Upload it again.` : ((e as Error)?.message ?? String(e));
    if (!stopped) console.error(`tunebench: upload ${upload.id} (${job.file}) failed:`, e);
    await chain;
    await writeJsonAtomic(p.job, { ...job, state: stopped ? 'interrupted' : 'error', finished_at: new Date().toISOString(), error: message } satisfies UploadJob);
    await append(p.events, { type: 'failed', message });
  }
}

/** Waits for a job of this process to finish (tests, and shutting down cleanly). */
export async function settled(id: string): Promise<void> {
  await running.get(id)?.work;
}

/** Jobs of this process and the pids of their import processes (null until spawned). */
export function runningUploadJobs(): { id: string; pid: number | null }[] {
  return [...running].map(([id, r]) => ({ id, pid: r.child?.pid ?? null }));
}

/** Stops every upload job's process (server shutdown): each ends interrupted, having stored nothing. */
export function stopUploadJobs(): void {
  for (const r of running.values()) r.child?.stop();
}

type JobLine = { type: 'progress' | 'done' | 'failed' } & Record<string, unknown>;

/**
 * The job's events from byte offset `from`, until its done/failed line; then one `end`. Each
 * event's id is the offset after it, so a reconnecting client resumes where it was.
 */
export async function* jobEvents(ws: Workspace, id: string, from: number, signal: AbortSignal): AsyncGenerator<{ event: string; data: unknown; id?: number }> {
  const job = await readJob(ws, id); // 404s, and turns a job cut off by a restart into a failed one
  const follow = job.state === 'running';
  for await (const r of tailJsonl<JobLine>(jobPaths(ws, id).events, from, signal, { follow })) {
    if (!r.ok) continue;
    const { type, ...data } = r.value;
    yield { event: type, data, id: r.next };
    if (type === 'done' || type === 'failed') break;
  }
  if (!signal.aborted) yield { event: 'end', data: { state: (await readJob(ws, id)).state } };
}
