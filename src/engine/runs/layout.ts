/**
 * Where a run's files are. One folder per run, named by its id:
 *
 *   .tunebench/runs/<run-id>/
 *     run.json          RunManifest: pipeline, file name, hashes, engine version, environment (written once)
 *     pipeline.ftp      the exact source text that ran
 *     plan.json         the compiled Plan
 *     status.json       RunStatus: run and per-stage state, cache decisions, summaries, outputs, errors
 *     events.jsonl      append-only log, one RunEvent per line
 *     cancel-request.json  present once someone asked the run to stop (the executor polls for it)
 *     stages/<stage-id>/   per-stage files that are not cached outputs (reports, non-cacheable outputs)
 *     metrics.jsonl     training metrics (written by the trainer; OpenAI metric names)
 *     checkpoints/      training checkpoints (trainer)
 *     eval/             predictions parquet + eval.json (evaluator)
 *     exports/          exported adapters and models (export)
 */
import path from 'node:path';
import type { Workspace } from '../workspace.ts';

export interface RunPaths {
  dir: string;
  manifest: string;
  source: string;
  plan: string;
  status: string;
  events: string;
  cancel: string;
  stagesDir: string;
  metrics: string;
  checkpointsDir: string;
  evalDir: string;
  exportsDir: string;
}

const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

/** True for a well-formed run id (also refuses path tricks such as '../x'). */
export function isRunId(id: string): boolean {
  return RUN_ID.test(id);
}

export function runPaths(ws: Workspace, runId: string): RunPaths {
  if (!isRunId(runId)) throw new Error(`'${runId}' is not a run id (runs look like 20261121-172501-ab12cd)`);
  const dir = path.join(ws.runsDir, runId);
  return {
    dir,
    manifest: path.join(dir, 'run.json'),
    source: path.join(dir, 'pipeline.ftp'),
    plan: path.join(dir, 'plan.json'),
    status: path.join(dir, 'status.json'),
    events: path.join(dir, 'events.jsonl'),
    cancel: path.join(dir, 'cancel-request.json'),
    stagesDir: path.join(dir, 'stages'),
    metrics: path.join(dir, 'metrics.jsonl'),
    checkpointsDir: path.join(dir, 'checkpoints'),
    evalDir: path.join(dir, 'eval'),
    exportsDir: path.join(dir, 'exports')
  };
}

/** A stage's folder inside the run (stage ids contain '.' and '+', which are safe in file names). */
export function runStageDir(paths: RunPaths, stageId: string): string {
  return path.join(paths.stagesDir, stageId);
}

/** Workspace-relative, '/'-separated form of an absolute path inside the workspace. */
export function wsRelative(ws: Workspace, abs: string): string {
  const rel = path.relative(ws.root, abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
}

export function wsAbsolute(ws: Workspace, rel: string): string {
  return path.isAbsolute(rel) ? rel : path.join(ws.root, ...rel.split('/'));
}
