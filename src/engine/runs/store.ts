/**
 * Reading and writing the run store's files (layout.ts). status.json is rewritten atomically by
 * the one process that executes the run; everything else reads. A run whose status says queued or
 * running while its process is gone is reported as stale (readers never rewrite it, except
 * cancelRun, which then marks it cancelled).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import type { Plan } from '../../../dsl/plan.ts';
import { PLAN_FORMAT, PLAN_VERSION } from '../../../dsl/plan.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.ts';
import { processAlive } from '../util/process.ts';
import type { Workspace } from '../workspace.ts';
import { isRunId, runPaths } from './layout.ts';
import { RUN_FORMAT, RUN_STORE_VERSION, STATUS_FORMAT, type RunBasics, type RunManifest, type RunRecord, type RunStatus, type RunSummary } from './types.ts';

export const TERMINAL: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

/** The status says the run is in progress, but its process (on this host) has gone. */
export function isStale(status: RunStatus): boolean {
  if (TERMINAL.has(status.status) || status.pid === null) return false;
  if (status.host !== null && status.host !== os.hostname()) return false;
  return !processAlive(status.pid);
}

async function readJson<T>(file: string, what: string): Promise<T> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${what}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message} (${file})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${what} is not valid JSON (${file}): ${(e as Error).message}`);
  }
}

function checkVersion(v: { format?: string; version?: number }, format: string, file: string): void {
  if (v.format !== format) throw new Error(`${file} is not a ${format} file`);
  if ((v.version ?? 0) > RUN_STORE_VERSION) throw new Error(`${file} was written by a newer tunebench (version ${v.version}); upgrade to read it`);
}

export async function readStatus(ws: Workspace, runId: string): Promise<RunStatus> {
  const p = runPaths(ws, runId);
  const s = await readJson<RunStatus>(p.status, `run ${runId} status`);
  checkVersion(s, STATUS_FORMAT, p.status);
  return s;
}

export async function readManifest(ws: Workspace, runId: string): Promise<RunManifest> {
  const p = runPaths(ws, runId);
  const m = await readJson<RunManifest>(p.manifest, `run ${runId} manifest`);
  checkVersion(m, RUN_FORMAT, p.manifest);
  return m;
}

export async function writeStatus(ws: Workspace, status: RunStatus): Promise<void> {
  await writeJsonAtomic(runPaths(ws, status.run_id).status, status);
}

export async function runExists(ws: Workspace, runId: string): Promise<boolean> {
  return isRunId(runId) && fs.existsSync(runPaths(ws, runId).status);
}

/** Everything about one run. Throws with a clear message for an unknown or unreadable run. */
export async function readRun(ws: Workspace, runId: string): Promise<RunRecord> {
  if (!isRunId(runId)) throw new Error(`'${runId}' is not a run id (runs look like 20261121-172501-ab12cd; see tunebench runs)`);
  const p = runPaths(ws, runId);
  if (!fs.existsSync(p.dir)) throw new Error(`no run ${runId} in ${ws.runsDir} (see tunebench runs)`);
  const [manifest, status, plan, source] = await Promise.all([
    readManifest(ws, runId),
    readStatus(ws, runId),
    readJson<Plan>(p.plan, `run ${runId} plan`),
    fsp.readFile(p.source, 'utf8')
  ]);
  if (plan.format !== PLAN_FORMAT || plan.version > PLAN_VERSION) throw new Error(`${p.plan}: plan version ${plan.version} is newer than this tunebench reads (${PLAN_VERSION})`);
  return { id: runId, dir: p.dir, manifest, status, plan, source, stale: isStale(status) };
}

/** Last value of each numeric field in the final lines of metrics.jsonl (read from its tail). */
async function lastMetrics(file: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch {
    return out;
  }
  try {
    const size = (await fh.stat()).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n').slice(len < size ? 1 : 0);
    for (const line of lines) {
      try {
        const o = JSON.parse(line) as Record<string, unknown>;
        for (const [k, v] of Object.entries(o)) if (typeof v === 'number' && Number.isFinite(v) && k !== 'step' && k !== 'ts') out[k] = v;
      } catch {
        // partial or damaged line
      }
    }
  } finally {
    await fh.close();
  }
  return out;
}

function summarize(manifest: RunManifest, status: RunStatus, metrics: Record<string, number>): RunSummary {
  for (const s of status.stages) {
    const m = s.summary?.metrics;
    if (m && typeof m === 'object') for (const [k, v] of Object.entries(m as Record<string, unknown>)) if (typeof v === 'number') metrics[`${s.id}.${k}`] = v;
  }
  return { run_id: status.run_id, ...runBasics(manifest, status), metrics };
}

/** The fields every run listing shows; a run whose process died is `stale`. */
export function runBasics(manifest: RunManifest, status: RunStatus): RunBasics {
  return {
    pipeline: status.pipeline,
    file: manifest.file,
    status: status.status,
    stale: isStale(status),
    created_at: status.created_at,
    started_at: status.started_at,
    finished_at: status.finished_at,
    elapsed_ms: status.elapsed_ms,
    rerun_of: manifest.rerun_of,
    stages: status.stages.length,
    cache_hits: status.stages.filter((s) => s.cache?.hit).length,
    failed_stage: status.stages.find((s) => s.state === 'failed')?.id ?? null
  };
}

/** Runs, newest first. Unreadable run folders are skipped (and named in `skipped`). */
export async function listRuns(ws: Workspace, opts: { limit?: number; pipeline?: string } = {}): Promise<{ runs: RunSummary[]; skipped: string[] }> {
  const ids = (await fsp.readdir(ws.runsDir).catch(() => [] as string[])).filter(isRunId).sort().reverse();
  const runs: RunSummary[] = [];
  const skipped: string[] = [];
  for (const id of ids) {
    if (opts.limit !== undefined && runs.length >= opts.limit) break;
    try {
      const [manifest, status] = await Promise.all([readManifest(ws, id), readStatus(ws, id)]);
      if (opts.pipeline && status.pipeline !== opts.pipeline) continue;
      runs.push(summarize(manifest, status, await lastMetrics(runPaths(ws, id).metrics)));
    } catch {
      skipped.push(id);
    }
  }
  return { runs, skipped };
}

/** The newest run of a pipeline other than `except` (for explaining cache misses). */
export async function previousRunOf(ws: Workspace, pipeline: string, except: string): Promise<RunStatus | null> {
  const ids = (await fsp.readdir(ws.runsDir).catch(() => [] as string[])).filter((id) => isRunId(id) && id !== except).sort().reverse();
  for (const id of ids) {
    try {
      const s = await readStatus(ws, id);
      if (s.pipeline === pipeline) return s;
    } catch {
      // not a readable run: look further back
    }
  }
  return null;
}

export async function writeNewRunFiles(ws: Workspace, manifest: RunManifest, source: string, plan: Plan, status: RunStatus): Promise<void> {
  const p = runPaths(ws, manifest.run_id);
  await fsp.mkdir(p.stagesDir, { recursive: true });
  await writeJsonAtomic(p.manifest, manifest);
  await writeFileAtomic(p.source, source);
  await writeJsonAtomic(p.plan, plan);
  await writeJsonAtomic(p.status, status);
}
