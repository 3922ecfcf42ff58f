/**
 * A workspace is a folder: the user's `datasets/` and `pipelines/`, and `.tunebench/` holding
 * everything tunebench writes (content-addressed dataset versions, stage outputs, runs, models).
 *
 *   .tunebench/workspace.json   format version
 *   .tunebench/catalog.json     named dataset versions (see data/catalog.ts)
 *   .tunebench/data/            dataset versions, <content-hash>.parquet
 *   .tunebench/stages/          cached stage outputs, <cache-key>/
 *   .tunebench/runs/            <run-id>/ per run
 *   .tunebench/models/          registered and fine-tuned models
 *   .tunebench/tmp/             work in progress; safe to delete when nothing runs
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic } from './util/atomic-write.ts';

export const WORKSPACE_FORMAT = 1;

export interface Workspace {
  root: string;
  /** .tunebench */
  dir: string;
  dataDir: string;
  stagesDir: string;
  runsDir: string;
  modelsDir: string;
  tmpDir: string;
  catalogPath: string;
  datasetsDir: string;
  pipelinesDir: string;
}

export function workspacePaths(root: string): Workspace {
  const dir = path.join(root, '.tunebench');
  return {
    root,
    dir,
    dataDir: path.join(dir, 'data'),
    stagesDir: path.join(dir, 'stages'),
    runsDir: path.join(dir, 'runs'),
    modelsDir: path.join(dir, 'models'),
    tmpDir: path.join(dir, 'tmp'),
    catalogPath: path.join(dir, 'catalog.json'),
    datasetsDir: path.join(root, 'datasets'),
    pipelinesDir: path.join(root, 'pipelines')
  };
}

async function exists(p: string): Promise<boolean> {
  return fsp.stat(p).then(
    () => true,
    () => false
  );
}

/**
 * Opens the workspace at `root`. With `create`, makes the folder and the `.tunebench` layout on
 * first use; without it, a folder that has no `.tunebench` is an error.
 */
export async function openWorkspace(root: string, opts: { create?: boolean } = {}): Promise<Workspace> {
  const ws = workspacePaths(path.resolve(root));
  const marker = path.join(ws.dir, 'workspace.json');
  if (await exists(marker)) {
    const meta = JSON.parse(await fsp.readFile(marker, 'utf8')) as { format?: number };
    if ((meta.format ?? 0) > WORKSPACE_FORMAT) {
      throw new Error(`${ws.root} was written by a newer tunebench (workspace format ${meta.format}); upgrade tunebench to use it`);
    }
  } else if (!opts.create) {
    throw new Error(`${ws.root} is not a tunebench workspace (no .tunebench folder); run any tunebench command there to create one`);
  } else {
    await fsp.mkdir(ws.dir, { recursive: true });
    await writeJsonAtomic(marker, { format: WORKSPACE_FORMAT, created_at: new Date().toISOString() });
  }
  for (const d of [ws.dataDir, ws.stagesDir, ws.runsDir, ws.modelsDir, ws.tmpDir]) await fsp.mkdir(d, { recursive: true });
  return ws;
}
