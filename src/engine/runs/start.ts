/**
 * Starting runs: check the pipeline text (refusing it with rendered diagnostics when it has
 * errors), compile it, create the run folder with the exact source, the plan, run.json and a
 * queued status, then execute. startRun() returns as soon as the run exists (the web server
 * answers with the id and streams events); runPipeline() waits for the end.
 */
import path from 'node:path';
import { checkWithFacts, compile, hasErrors, renderDiagnostics, summarize, type Diagnostic } from '../../../dsl/index.ts';
import type { Plan } from '../../../dsl/plan.ts';
import { gatherFacts } from '../facts.ts';
import { ENGINE_VERSION } from '../version.ts';
import type { Workspace } from '../workspace.ts';
import { sha256Hex, hashJson } from './canonical-json.ts';
import { environmentFacts } from './environment.ts';
import { eventLog } from './events.ts';
import { executeRun } from './executor.ts';
import { registerBuiltinExecutors } from './executors.ts';
import { allocateRunId } from './ids.ts';
import { runPaths } from './layout.ts';
import { previousRunOf, readRun, readStatus, writeNewRunFiles } from './store.ts';
import { RUN_FORMAT, RUN_STORE_VERSION, STATUS_FORMAT, type RunEvent, type RunManifest, type RunStatus } from './types.ts';

/** The pipeline has check errors; nothing was run or created. */
export class PipelineCheckError extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    /** file:line:col, source line and caret for each diagnostic. */
    readonly rendered: string,
    readonly file: string
  ) {
    super(`${file}: ${summarize(diagnostics)}; the pipeline was not run`);
    this.name = 'PipelineCheckError';
  }
}

export interface PipelineText {
  /** The exact pipeline text. */
  source: string;
  /** The file name to show in messages and record with the run (e.g. pipelines/support.ftp). */
  file: string;
}

export interface StartOptions {
  /** Who starts it: cli, web, api, test. */
  origin?: string;
  /** Environment for facts (TUNEBENCH_MODELS). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /** Set by rerun(). */
  rerunOf?: string | null;
  progressIntervalMs?: number;
}

export interface StartedRun {
  runId: string;
  dir: string;
  plan: Plan;
  /** Warnings from the check (errors refuse the run). */
  warnings: Diagnostic[];
  /** Settles with the final status (never rejects for a failing stage: see status.status). */
  done: Promise<RunStatus>;
}

/** Checks and compiles pipeline text against the workspace; throws PipelineCheckError on errors. */
export async function checkPipeline(ws: Workspace, text: PipelineText, env: NodeJS.ProcessEnv = process.env): Promise<{ plan: Plan; warnings: Diagnostic[] }> {
  const { result } = await checkWithFacts(text.source, (needs) => gatherFacts(ws, needs, env));
  if (hasErrors(result.diagnostics) || !result.program) throw new PipelineCheckError(result.diagnostics, renderDiagnostics(result.diagnostics, text.source, text.file), text.file);
  return { plan: compile(result), warnings: result.diagnostics };
}

export async function startRun(ws: Workspace, text: PipelineText, opts: StartOptions = {}): Promise<StartedRun> {
  registerBuiltinExecutors();
  const { plan, warnings } = await checkPipeline(ws, text, opts.env);
  const runId = await allocateRunId(ws.runsDir);
  const created = new Date().toISOString();
  const manifest: RunManifest = {
    format: RUN_FORMAT,
    version: RUN_STORE_VERSION,
    run_id: runId,
    pipeline: plan.pipeline,
    description: plan.description,
    file: text.file,
    file_name: path.basename(text.file),
    source_sha256: sha256Hex(text.source),
    plan_sha256: hashJson(plan),
    created_at: created,
    rerun_of: opts.rerunOf ?? null,
    origin: opts.origin ?? 'api',
    engine_version: ENGINE_VERSION,
    environment: await environmentFacts()
  };
  const status: RunStatus = {
    format: STATUS_FORMAT,
    version: RUN_STORE_VERSION,
    run_id: runId,
    pipeline: plan.pipeline,
    file: text.file,
    rerun_of: opts.rerunOf ?? null,
    status: 'queued',
    created_at: created,
    started_at: null,
    finished_at: null,
    elapsed_ms: null,
    pid: null,
    host: null,
    stages: plan.stages.map((s) => ({ id: s.id, kind: s.kind, name: s.name, span: s.span, state: 'pending', started_at: null, finished_at: null, elapsed_ms: null, rows_in: null, rows_out: null, cache: null, summary: null, outputs: {}, error: null })),
    error: null,
    cancel_reason: null
  };
  await writeNewRunFiles(ws, manifest, text.source, plan, status);
  const paths = runPaths(ws, runId);
  eventLog(paths.events, runId, opts.onEvent).emit({ type: 'run_created', message: `run ${runId} created for ${text.file}${opts.rerunOf ? ` (rerun of ${opts.rerunOf})` : ''}`, data: { file: text.file, rerun_of: opts.rerunOf ?? null, warnings: warnings.length } });
  const previous = opts.rerunOf ? await readStatus(ws, opts.rerunOf).catch(() => null) : await previousRunOf(ws, plan.pipeline, runId);
  const done = executeRun(ws, runId, { plan, source: text.source, file: text.file }, { signal: opts.signal, onEvent: opts.onEvent, previous, progressIntervalMs: opts.progressIntervalMs });
  return { runId, dir: paths.dir, plan, warnings, done };
}

/** startRun() and wait for the end. */
export async function runPipeline(ws: Workspace, text: PipelineText, opts: StartOptions = {}): Promise<{ runId: string; status: RunStatus; warnings: Diagnostic[] }> {
  const started = await startRun(ws, text, opts);
  return { runId: started.runId, status: await started.done, warnings: started.warnings };
}

/**
 * Runs a recorded run's exact source text again as a new run. Stage keys are compared with the
 * original run's, so each stage says whether it was a cache hit or why it re-ran.
 */
export async function rerun(ws: Workspace, runId: string, opts: Omit<StartOptions, 'rerunOf'> = {}): Promise<StartedRun> {
  const original = await readRun(ws, runId);
  return startRun(ws, { source: original.source, file: original.manifest.file }, { ...opts, rerunOf: runId });
}
