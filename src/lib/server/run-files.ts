/**
 * The run store's small files (run.json, status.json, pipeline.ftp, the tail of metrics.jsonl)
 * read synchronously for the runs pages. A run started from the web trains in the server process
 * and yields to the event loop once per optimizer step, so each awaited file operation of a page
 * load costs a training step: the async listRuns took 6.7 s for eight runs during a tiny training
 * run. These files are a few KB; reading them whole and at once takes microseconds. Formats and
 * versions are checked as the engine's store (runs/store.ts) checks them.
 */
import fs from 'node:fs';
import { isRunId, isStale, runPaths, RUN_FORMAT, RUN_STORE_VERSION, STATUS_FORMAT, type RunManifest, type RunStatus } from '../../engine/runs/index.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { ApiFailure } from './api-error.ts';

function readJsonSync<T>(file: string, what: string): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${what}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message} (${file})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${what} is not valid JSON (${file}): ${(e as Error).message}`);
  }
}

function checked<T extends { format?: string; version?: number }>(v: T, format: string, file: string): T {
  if (v.format !== format) throw new Error(`${file} is not a ${format} file`);
  if ((v.version ?? 0) > RUN_STORE_VERSION) throw new Error(`${file} was written by a newer tunebench (version ${v.version}); upgrade to read it`);
  return v;
}

export function readStatusSync(ws: Workspace, id: string): RunStatus {
  const file = runPaths(ws, id).status;
  return checked(readJsonSync<RunStatus>(file, `run ${id} status`), STATUS_FORMAT, file);
}

export function readManifestSync(ws: Workspace, id: string): RunManifest {
  const file = runPaths(ws, id).manifest;
  return checked(readJsonSync<RunManifest>(file, `run ${id} manifest`), RUN_FORMAT, file);
}

/** 404 (as the API answers) for an id that is not a run of this workspace. */
export function requireRun(ws: Workspace, id: string): void {
  if (!isRunId(id) || !fs.existsSync(runPaths(ws, id).status)) throw new ApiFailure(404, 'run_not_found', `no run '${id}' in this workspace`);
}

export interface RunFilesRecord {
  id: string;
  manifest: RunManifest;
  status: RunStatus;
  source: string;
  stale: boolean;
}

export function readRunSync(ws: Workspace, id: string): RunFilesRecord {
  requireRun(ws, id);
  const status = readStatusSync(ws, id);
  return { id, manifest: readManifestSync(ws, id), status, source: fs.readFileSync(runPaths(ws, id).source, 'utf8'), stale: isStale(status) };
}

/** Last value of each numeric field in the final 64 KB of a metrics.jsonl (as listRuns reads it). */
export function lastMetricsSync(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return out;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    for (const line of buf.toString('utf8').split('\n').slice(len < size ? 1 : 0)) {
      try {
        const o = JSON.parse(line) as Record<string, unknown>;
        for (const [k, v] of Object.entries(o)) if (typeof v === 'number' && Number.isFinite(v) && k !== 'step' && k !== 'ts') out[k] = v;
      } catch {
        // a partial or damaged line
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

/** Run ids of the workspace, newest first. */
export function runIdsSync(ws: Workspace): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(ws.runsDir);
  } catch {
    return [];
  }
  return names.filter(isRunId).sort().reverse();
}
