/** Shared set-up for the run-store and operator tests: temporary workspaces and pipeline runs. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { queryRows } from '../../src/engine/data/duckdb.ts';
import { runPipeline, registerBuiltinExecutors, type RunStatus } from '../../src/engine/runs/index.ts';
import { openWorkspace, type Workspace } from '../../src/engine/workspace.ts';
import { REPO_ROOT } from '../support/shared.ts';

registerBuiltinExecutors();

/** A fresh workspace in a temporary folder; `files` maps workspace-relative names to content or a file to copy. */
export async function tempWorkspace(files: Record<string, string | { copy: string }> = {}): Promise<Workspace & { cleanup(): void }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-runs-'));
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(root, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (typeof content === 'string') fs.writeFileSync(target, content);
    else fs.copyFileSync(content.copy, target);
  }
  const ws = await openWorkspace(root, { create: true });
  return Object.assign(ws, { cleanup: () => fs.rmSync(root, { recursive: true, force: true }) });
}

export const SAMPLE = (name: string) => path.join(REPO_ROOT, 'datasets', name);

export async function run(ws: Workspace, source: string, file = 'pipelines/test.ftp'): Promise<{ runId: string; status: RunStatus }> {
  const r = await runPipeline(ws, { source, file }, { origin: 'test' });
  return { runId: r.runId, status: r.status };
}

export function stage(status: RunStatus, id: string) {
  const s = status.stages.find((x) => x.id === id);
  if (!s) throw new Error(`no stage ${id} in ${status.stages.map((x) => x.id).join(', ')}`);
  return s;
}

/** Absolute path of a stage output part. */
export function output(ws: Workspace, status: RunStatus, id: string, part = 'main'): string {
  const o = stage(status, id).outputs[part];
  if (!o) throw new Error(`stage ${id} has no output ${part}`);
  return path.join(ws.root, o.path);
}

export function rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  return queryRows<T>(sql);
}

export const parquet = (file: string) => `read_parquet('${file.replaceAll("'", "''")}')`;
