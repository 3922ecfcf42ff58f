/**
 * The run store's persisted shapes. Every file carries `format` and `version`; readers refuse a
 * version newer than theirs. Field names are snake_case because these files are read by DuckDB
 * (`tunebench sql "select * from runs"`), the web app and other tools, not only by this code.
 */
import type { Plan, PlanSpan, StageKind } from '../../../dsl/plan.ts';

export const RUN_FORMAT = 'tunebench.run';
export const STATUS_FORMAT = 'tunebench.run-status';
export const RUN_STORE_VERSION = 1;

export type RunState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
/** skipped: not run because an earlier stage failed or the run was cancelled. */
export type StageState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

/** What a run was started from and where (written once, run.json). */
export interface RunManifest {
  format: typeof RUN_FORMAT;
  version: typeof RUN_STORE_VERSION;
  run_id: string;
  pipeline: string;
  description: string | null;
  /** The pipeline file as the caller named it (e.g. pipelines/support.ftp); the text is pipeline.ftp. */
  file: string;
  file_name: string;
  source_sha256: string;
  plan_sha256: string;
  created_at: string;
  /** The run this one re-ran (tunebench rerun), else null. */
  rerun_of: string | null;
  /** Who asked: 'cli', 'web', 'api', 'test', ... */
  origin: string;
  engine_version: string;
  environment: EnvironmentFacts;
}

export interface EnvironmentFacts {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  cpu_model: string;
  memory_bytes: number;
  host: string;
  duckdb: string | null;
}

/** A file or folder a stage produced. Paths are relative to the workspace folder, '/'-separated. */
export interface StageOutputRecord {
  kind: 'parquet' | 'model' | 'dir' | 'file';
  path: string;
  rows: number | null;
  bytes: number | null;
}

/** The stage-cache decision for one stage, with the reason people see. */
export interface CacheRecord {
  /** The stage's cache key; null when the stage cannot be cached. */
  key: string | null;
  hit: boolean;
  /** e.g. 'cached output reused', 'parameters changed', 'input changed: tickets', 'engine version changed',
   *  'no cached output', 'not cacheable: ...', 'cached output unreadable: ...' */
  reason: string;
  /** What went into the key, so that a later run can say what changed. */
  ingredients: KeyIngredients | null;
}

export interface KeyIngredients {
  kind: StageKind;
  /** sha256 of the canonical JSON of the parameters the stage reads. */
  params_sha256: string;
  /** Plan inputs (by source-level name) and external inputs (a source file) with their keys. */
  inputs: { name: string; key: string }[];
  engine_version: string;
}

export interface StageError {
  message: string;
  stage: string;
  span: PlanSpan;
  /** 1-based position of the span's start in the pipeline file. */
  line: number;
  column: number;
  /** file:line:col, the source line and a caret (the dsl diagnostics renderer). */
  rendered: string;
  /** Extra lines for people (what to do). */
  help: string[];
}

export interface StageStatus {
  id: string;
  kind: StageKind;
  name: string;
  span: PlanSpan;
  state: StageState;
  started_at: string | null;
  finished_at: string | null;
  elapsed_ms: number | null;
  rows_in: number | null;
  rows_out: number | null;
  cache: CacheRecord | null;
  /** Operator report (see data/stages/CONTEXT.md for each kind). */
  summary: Record<string, unknown> | null;
  /** 'main' for single-output stages; split stages: one entry per part. */
  outputs: Record<string, StageOutputRecord>;
  error: StageError | null;
}

export interface RunError {
  message: string;
  /** The failing stage, when one failed. */
  stage: string | null;
  rendered: string | null;
}

export interface RunStatus {
  format: typeof STATUS_FORMAT;
  version: typeof RUN_STORE_VERSION;
  run_id: string;
  pipeline: string;
  /** As in run.json (repeated so that SQL over status.json files needs no join). */
  file: string;
  rerun_of: string | null;
  status: RunState;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  elapsed_ms: number | null;
  /** The process executing the run (for cancel requests and stale-run detection). */
  pid: number | null;
  host: string | null;
  stages: StageStatus[];
  error: RunError | null;
  /** Set when a cancel was requested (by whom/why). */
  cancel_reason: string | null;
}

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

/** One line of events.jsonl. */
export interface RunEvent {
  ts: string;
  run_id: string;
  level: EventLevel;
  /** The stage id, or null for run-level events. */
  stage: string | null;
  /** run_created, run_started, run_finished, stage_started, stage_progress, stage_cached, cache_miss,
   *  cache_warning, stage_finished, stage_failed, stage_cancelled, cancel_requested, log, or a
   *  type an executor chooses (metrics, checkpoint, ...). */
  type: string;
  message: string;
  data: Record<string, unknown>;
}

/** A run as readRun() returns it. */
export interface RunRecord {
  id: string;
  dir: string;
  manifest: RunManifest;
  status: RunStatus;
  plan: Plan;
  source: string;
  /** The recorded status says queued/running but the process that ran it is gone. */
  stale: boolean;
}

/** One row of listRuns(). */
/** What every listing of a run shows (CLI `runs`, the web's runs list), from its manifest and status. */
export interface RunBasics {
  pipeline: string;
  file: string;
  status: RunState;
  stale: boolean;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  elapsed_ms: number | null;
  rerun_of: string | null;
  stages: number;
  cache_hits: number;
  failed_stage: string | null;
}

export interface RunSummary extends RunBasics {
  run_id: string;
  /** Key metrics when the run has them (last value of each metric in metrics.jsonl, eval.json aggregates). */
  metrics: Record<string, number>;
}
