/**
 * The stage-executor interface and its registry: one executor per Plan stage kind. The data
 * operators register theirs in data/stages/index.ts; the trainer registers 'train' and the
 * evaluator 'eval'. The executor (executor.ts) owns ordering, caching, events, status and
 * cancellation; an executor only turns resolved inputs into outputs.
 */
import type { InputRole, Plan, PlanStage, StageKind } from '../../../dsl/plan.ts';
import type { Workspace } from '../workspace.ts';
import type { CacheRecord, EventLevel } from './types.ts';

export type StageOf<K extends StageKind> = Extract<PlanStage, { kind: K }>;

/** A file or folder a stage produced (absolute path while running; stored workspace-relative). */
export interface StageOutput {
  /** parquet: rows of the canonical conversation table; model: a model folder; dir/file: anything else. */
  kind: 'parquet' | 'model' | 'dir' | 'file';
  path: string;
  rows?: number | null;
  bytes?: number | null;
}

/** One of a stage's Plan inputs, resolved to what its producer wrote. */
export interface ResolvedInput {
  role: InputRole;
  /** Producer stage id and part (null: the producer's 'main' output). */
  stage: string;
  part: string | null;
  /** The source-level name people know it by (tickets, clean, train, tuned). */
  name: string;
  /** The producer's cache key for this output: its content identity. */
  key: string;
  /** The output the input refers to: `outputs[part ?? 'main']`. */
  output: StageOutput;
  /** All outputs of the producer (a train stage may offer 'best', 'last', checkpoints...). */
  outputs: Record<string, StageOutput>;
  /** The producer's summary. */
  summary: Record<string, unknown> | null;
}

export interface StageEvents {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  /** Progress in some unit (rows, steps, examples). The executor throttles what reaches the log. */
  progress(p: { done: number; total?: number | null; unit: string; phase?: string }): void;
  /** Any other event type (metrics, checkpoint, ...): lands in events.jsonl with this stage's id. */
  emit(type: string, message: string, data?: Record<string, unknown>, level?: EventLevel): void;
}

export interface StageContext<S extends PlanStage = PlanStage> {
  ws: Workspace;
  plan: Plan;
  stage: S;
  /** In the order of stage.inputs. */
  inputs: ResolvedInput[];
  run: { id: string; dir: string; source: string; file: string };
  /**
   * Where the outputs go. Cacheable stage: a fresh folder that becomes .tunebench/stages/<key>/
   * when run() returns (outputs must be inside it). Otherwise: runs/<id>/stages/<stage-id>/.
   */
  outDir: string;
  /** runs/<id>/stages/<stage-id>/: files that belong to this run only (reports, logs). */
  runStageDir: string;
  events: StageEvents;
  /** Aborted when the run is cancelled; stop promptly and throw signal.reason. */
  signal: AbortSignal;
  /** The cache decision: always a miss here (a hit never calls run()); its reason says why. */
  cache: CacheRecord;
}

export interface StageResult {
  /** 'main' for one output; split: one per part; a train stage may add more (best, last). */
  outputs: Record<string, StageOutput>;
  rowsIn?: number | null;
  rowsOut?: number | null;
  /** A JSON-safe report for status.json and the cache's meta.json. */
  summary: Record<string, unknown>;
}

/** What `tunebench plan` shows for a stage: the SQL it runs, or steps in words. */
export interface StageDescription {
  /** Titled SQL statements, in the order they run. */
  sql: { title: string; text: string }[];
  /** Steps that are not SQL (MinHash signatures, training), in words. */
  notes: string[];
}

export interface DescribeInput {
  name: string;
  /** A SQL table expression for the input (e.g. read_parquet('...', file_row_number = true)). */
  relation: string;
  rows: number | null;
}

export interface StageExecutor<S extends PlanStage = PlanStage> {
  /** true, or why the stage's output must not be reused (nondeterministic, side effects). */
  cacheable(stage: S): true | string;
  /** The parameter values the stage reads, for its cache key (default: stage.params). Never put
   *  paths or timestamps here. */
  keyParams?(stage: S): unknown;
  /** Content identity of what the stage reads outside the Plan (a source file's hash, a dataset
   *  version's key), with a label for "input changed: LABEL". */
  externalInput?(stage: S, ws: Workspace): Promise<{ label: string; key: string }>;
  run(ctx: StageContext<S>): Promise<StageResult>;
  describe?(stage: S, inputs: DescribeInput[]): StageDescription;
}

const registry = new Map<StageKind, StageExecutor<PlanStage>>();

/**
 * Registers the executor of a stage kind, replacing any earlier one. Returns a function that puts
 * the previous executor back (tests wrap a real executor and restore it).
 */
export function registerStageExecutor<K extends StageKind>(kind: K, impl: StageExecutor<StageOf<K>>): () => void {
  const previous = registry.get(kind);
  registry.set(kind, impl as unknown as StageExecutor<PlanStage>);
  return () => {
    if (previous) registry.set(kind, previous);
    else registry.delete(kind);
  };
}

/** Removes the executor of a kind; returns a function that puts it back (for tests of R101). */
export function unregisterStageExecutor(kind: StageKind): () => void {
  const previous = registry.get(kind);
  registry.delete(kind);
  return () => {
    if (previous) registry.set(kind, previous);
  };
}

export function stageExecutor<K extends StageKind>(kind: K): StageExecutor<StageOf<K>> | undefined {
  return registry.get(kind) as StageExecutor<StageOf<K>> | undefined;
}

export function registeredKinds(): StageKind[] {
  return [...registry.keys()];
}

/** What to tell people when a Plan needs a kind nobody registered. */
export function missingExecutorHelp(kind: StageKind): string[] {
  if (kind === 'train') return ['training stages are run by the trainer (src/engine/train), which registers the "train" executor; this build has none'];
  if (kind === 'eval') return ['evaluation stages are run by the evaluator (src/engine/eval), which registers the "eval" executor; this build has none'];
  return [`no executor is registered for '${kind}' stages`];
}
