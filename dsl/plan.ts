/**
 * The Plan: what a checked pipeline compiles to, and the only thing the executor, trainer and
 * evaluator read. Plain JSON (no classes, no Maps, no undefined): it is saved with each run and
 * hashed for stage cache keys. Stages are in topological order (ties in source order); every
 * stage carries all of its parameter values, defaults filled in, so that a stage's cache key
 * can be computed from (kind, params, input keys, engine version) alone.
 *
 * Versioning: `version` changes whenever a field changes meaning or a required field is added;
 * readers must refuse a plan whose version they do not know.
 */

export const PLAN_FORMAT = 'tunebench.plan';
export const PLAN_VERSION = 1;

/** 0-based half-open character offsets into the pipeline source. */
export interface PlanSpan {
  start: number;
  end: number;
}

/** Where a stage's output is: a stage id, and for split stages the part name. */
export interface OutputRef {
  stage: string;
  part: string | null;
}

/**
 * data: rows to process (data stages take one; concat takes several, in order)
 * train/validation: a train stage's data; base: the train stage a train stage continues from;
 * model: a train stage whose model an eval generates with.
 */
export type InputRole = 'data' | 'train' | 'validation' | 'base' | 'model';

export interface StageInput extends OutputRef {
  role: InputRole;
}

export interface Plan {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_VERSION;
  pipeline: string;
  description: string | null;
  stages: PlanStage[];
  /** Every name the source defines (datasets, stages, split parts, train and eval stages). */
  outputs: Record<string, OutputRef>;
}

interface StageOf<K extends string, P> {
  /** Unique in the plan. Sources, train and eval stages: their name. Operators of a data stage
   *  NAME: NAME.1, NAME.2, ... in source order. A split: its part names joined by '+'. */
  id: string;
  kind: K;
  /** The source-level name this stage belongs to (a data stage's operators share it). */
  name: string;
  inputs: StageInput[];
  params: P;
  span: PlanSpan;
}

// ---------------------------------------------------------------- data stages
export type FileFormat = 'auto' | 'openai' | 'prompt-completion' | 'context-response' | 'csv' | 'parquet';

export interface FileOptions {
  /** csv/parquet column mapping, target → source column, as the importer's --map:
   *  targets system/user/assistant (or messages) are the conversation, any other target is a
   *  metadata column. null: the importer's default mapping (common names; other columns become
   *  metadata). */
  mapping: Record<string, string> | null;
  /** Import the valid rows and skip invalid ones instead of failing. */
  skip_invalid: boolean;
}

export type SourceParams =
  /** path is relative to the workspace folder. */
  | { from: 'file'; path: string; format: FileFormat; options: FileOptions }
  /** version null: the latest version when the plan runs. */
  | { from: 'workspace'; dataset: string; version: number | null };

/** Rows of all inputs, in input order (UNION ALL BY NAME: missing columns become NULL). */
export type ConcatParams = Record<string, never>;

export interface FilterParams {
  /** A DuckDB boolean expression over the input's columns; identifiers double-quoted. */
  where: string;
  /** True when written as `filter sql "..."` (the text is the user's, verbatim). */
  sql_escape: boolean;
  /** Columns the condition reads (empty for sql_escape). */
  columns: string[];
}

export interface DedupeExactParams {
  /** Columns whose values must all be equal; ['conversation_id'] = the whole conversation
   *  (conversation_id is the content hash of messages and tools). */
  on: string[];
  /** Which row of a duplicate group survives: the first in input order. */
  keep: 'first';
}

export interface DedupeNearParams {
  /** A text column. */
  on: string;
  /** Jaccard similarity at or above which two rows are near duplicates. */
  threshold: number;
  /** Shingles: word n-grams for text without CJK, character n-grams for CJK text. */
  word_ngram: number;
  char_ngram: number;
  /** MinHash permutations = bands × rows. */
  permutations: number;
  bands: number;
  rows: number;
  seed: number;
  keep: 'first';
}

export interface RedactKind {
  /** email, phone, credit_card (Luhn-checked), ip, or a custom name */
  name: string;
  builtin: boolean;
  /** A custom kind's regular expression (JavaScript/RE2-compatible syntax); null for built-ins. */
  pattern: string | null;
  /** Text that replaces each match, e.g. [EMAIL]. */
  replacement: string;
}

export interface RedactParams {
  kinds: RedactKind[];
}

export type SampleParams = { mode: 'count'; n: number; seed: number } | { mode: 'fraction'; fraction: number; seed: number };

export interface LimitParams {
  n: number;
}

export interface SystemPromptParams {
  /** set: every conversation gets exactly this system message (replacing any);
   *  default: only conversations without one get it; prepend: put before the existing one
   *  (or set it when there is none). */
  mode: 'set' | 'default' | 'prepend';
  /** As written, with {column} placeholders ({{ and }} are literal braces). */
  template: string;
  /** The columns the placeholders name, in order of first use. */
  columns: string[];
  /** A DuckDB VARCHAR expression that renders the template for a row (NULL → ''). */
  sql: string;
}

export type Role = 'system' | 'user' | 'assistant' | 'tool' | 'function';

export interface MapRolesParams {
  mapping: { from: Role; to: Role }[];
}

export interface BalanceParams {
  /** Keep at most `cap` rows per value of this column (chosen at random with `seed`). */
  by: string;
  cap: number;
  seed: number;
}

export interface SplitParams {
  /** Percentages add up to 100. */
  parts: { name: string; percent: number }[];
  seed: number;
  /** Split each value of this column by the same percentages; null = no stratification. */
  stratify: string | null;
  /** Near-duplicate groups (by this text column and Jaccard threshold) never straddle parts. */
  disjoint: { on: string; threshold: number };
}

// ---------------------------------------------------------------- train
/** final: the stage's result (best checkpoint when it validated, else last). */
export type Checkpoint = 'final' | 'best' | 'last' | { epoch: number } | { step: number };

export type TrainBase =
  | { kind: 'model'; name: string; arch: string | null }
  /** Staged fine-tuning: continue from another train stage's result. `root` is the base model at
   *  the start of the chain. */
  | { kind: 'train'; stage: string; checkpoint: Checkpoint; root: { name: string; arch: string | null } };

export type TrainMethod =
  | {
      kind: 'lora';
      rank: number;
      alpha: number;
      dropout: number;
      /** Module names (q_proj ... down_proj for Llama; c_attn, c_proj, c_fc for GPT-2). */
      targets: string[];
      /** int8: frozen base weights held in INT8 (QLoRA-style). */
      base_precision: 'float32' | 'int8';
    }
  | { kind: 'full' };

export interface GenerationParams {
  max_tokens: number;
  /** 0 = greedy */
  temperature: number;
  top_p: number;
  /** 0 = off */
  top_k: number;
  seed: number;
  stop: string[];
  batch_size: number;
}

export interface EarlyStop {
  /** val_loss, val_token_accuracy, or a generation metric (see metrics.ts) on the validation data. */
  metric: string;
  direction: 'min' | 'max';
  /** Stop after this many full validations (one per epoch) without improvement. */
  patience: number;
  /** An improvement must exceed this. */
  min_delta: number;
  /** Generation settings for a generation metric; null for val_loss/val_token_accuracy. */
  generation: GenerationParams | null;
}

export interface TrainParams {
  base: TrainBase;
  method: TrainMethod;
  epochs: number | 'auto';
  batch_size: number | 'auto';
  learning_rate: { mode: 'fixed'; value: number } | { mode: 'multiplier'; value: number | 'auto' };
  /** Tokens; longer sequences are truncated (and counted). */
  max_length: number;
  warmup: { unit: 'steps'; value: number } | { unit: 'ratio'; value: number };
  schedule: 'cosine' | 'linear' | 'constant';
  weight_decay: number;
  /** Max global gradient norm; null = no clipping. */
  grad_clip: number | null;
  grad_accum: number;
  seed: number;
  /** Validate every N optimizer steps (null: only at epoch ends). */
  eval_every: number | null;
  early_stop: EarlyStop | null;
  /** Keep the last N epoch checkpoints plus the best. */
  keep_checkpoints: number;
  batching: 'bucketed' | 'packed' | 'padded';
  max_steps: number | null;
  time_budget_ms: number | null;
}

// ---------------------------------------------------------------- eval
export type EvalModelSource = { kind: 'base'; name: string } | { kind: 'train'; stage: string; checkpoint: Checkpoint };

export interface EvalModel {
  /** As written in the source: `base`, `tuned`, `tuned@best`, `"tinystories-260k"`. */
  label: string;
  model: EvalModelSource;
}

export interface MetricParams {
  /** See METRICS in metrics.ts. */
  name: string;
  /** Every option of the metric, defaults filled in. */
  options: Record<string, string | number | boolean>;
}

export interface StyleParams {
  name: string;
  /** Preferred terms; each occurrence adds its weight. */
  lexicon: { term: string; weight: number }[];
  /** Forbidden terms; each occurrence subtracts its weight. */
  forbidden: { term: string; weight: number }[];
  /** Length bounds in style tokens (words; each CJK character counts as one). */
  min_tokens: number | null;
  max_tokens: number | null;
  /** Regular expressions an output must match / must not match. */
  require: string[];
  reject: string[];
  /** Highest allowed share of repeated word 3-grams (0..1); null = not checked. */
  max_repetition: number | null;
  /** An output is "in style" when its score reaches this (0..1). */
  threshold: number;
}

export interface EvalParams {
  models: EvalModel[];
  metrics: MetricParams[];
  styles: StyleParams[];
  generation: GenerationParams;
  /** Bootstrap resampling for confidence intervals (samples 0 = off). */
  bootstrap: { samples: number; seed: number; confidence: number };
  /** Evaluate at most this many examples (null = all). */
  max_examples: number | null;
  time_budget_ms: number | null;
}

// ---------------------------------------------------------------- all stages
export type SourceStage = StageOf<'source', SourceParams>;
export type ConcatStage = StageOf<'concat', ConcatParams>;
export type FilterStage = StageOf<'filter', FilterParams>;
export type DedupeExactStage = StageOf<'dedupe_exact', DedupeExactParams>;
export type DedupeNearStage = StageOf<'dedupe_near', DedupeNearParams>;
export type RedactStage = StageOf<'redact', RedactParams>;
export type SampleStage = StageOf<'sample', SampleParams>;
export type LimitStage = StageOf<'limit', LimitParams>;
export type SystemPromptStage = StageOf<'system_prompt', SystemPromptParams>;
export type MapRolesStage = StageOf<'map_roles', MapRolesParams>;
export type BalanceStage = StageOf<'balance', BalanceParams>;
export type SplitStage = StageOf<'split', SplitParams>;
export type TrainStage = StageOf<'train', TrainParams>;
export type EvalStage = StageOf<'eval', EvalParams>;

export type DataOpStage =
  | FilterStage
  | DedupeExactStage
  | DedupeNearStage
  | RedactStage
  | SampleStage
  | LimitStage
  | SystemPromptStage
  | MapRolesStage
  | BalanceStage;

export type PlanStage = SourceStage | ConcatStage | DataOpStage | SplitStage | TrainStage | EvalStage;
export type StageKind = PlanStage['kind'];

/** Stages whose output is rows of the canonical conversation table. */
export const DATA_STAGE_KINDS: readonly StageKind[] = ['source', 'concat', 'filter', 'dedupe_exact', 'dedupe_near', 'redact', 'sample', 'limit', 'system_prompt', 'map_roles', 'balance', 'split'];

export function isDataStage(s: PlanStage): s is Exclude<PlanStage, TrainStage | EvalStage> {
  return s.kind !== 'train' && s.kind !== 'eval';
}

export function stageById(plan: Plan, id: string): PlanStage | undefined {
  return plan.stages.find((s) => s.id === id);
}
