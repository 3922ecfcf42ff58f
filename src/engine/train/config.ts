/**
 * The training configuration: the Plan's TrainParams (what a .ftp train stage says, defaults
 * filled by the checker) resolved against the data and the model into concrete numbers — auto
 * values decided, warmup in steps, the step count known. Every field has a default and a reason.
 */
import type { EarlyStop, TrainParams } from '../../../dsl/plan.ts';
import type { ModelConfig } from '../model/config.ts';
import { GPT2_LORA_TARGETS } from '../model/specs.ts';
import { resolveAuto } from './auto.ts';
import type { Batching } from './batches.ts';
import { ADAMW_DEFAULTS, type AdamWConfig } from './optimizer.ts';
import { warmupSteps, type ScheduleKind } from './schedule.ts';

/** The DSL's defaults (dsl/option-tables.ts), for callers that build params by hand (tests, API). */
export function defaultTrainParams(over: Partial<TrainParams> = {}): TrainParams {
  return {
    base: { kind: 'model', name: '', arch: null },
    method: { kind: 'lora', rank: 8, alpha: 16, dropout: 0.05, targets: [], base_precision: 'float32' },
    epochs: 'auto',
    batch_size: 'auto',
    learning_rate: { mode: 'multiplier', value: 'auto' },
    max_length: 512,
    warmup: { unit: 'steps', value: 0 },
    schedule: 'cosine',
    weight_decay: 0,
    grad_clip: 1,
    grad_accum: 1,
    seed: 42,
    eval_every: null,
    early_stop: null,
    keep_checkpoints: 3,
    batching: 'bucketed',
    max_steps: null,
    time_budget_ms: null,
    ...over
  };
}

export interface ResolvedConfig {
  method: 'lora' | 'full';
  /** LoRA settings (null for full fine-tuning); targets default to q_proj, v_proj (GPT-2: c_attn);
   *  trainableTokens: embedding rows trained beside the adapters (tokens.ts), set by the session. */
  lora: { rank: number; alpha: number; dropout: number; targets: string[]; basePrecision: 'float32' | 'int8'; trainableTokens: number[] } | null;
  epochs: number;
  /** Examples (packed: rows) per optimizer step. */
  batchSize: number;
  /** Micro-batches per optimizer step (gradient accumulation). */
  gradAccum: number;
  learningRate: number;
  schedule: ScheduleKind;
  warmupSteps: number;
  /** Decay floor as a share of the peak: 0, as Hugging Face's schedulers. */
  minLrRatio: number;
  /** Sequence cap: the Plan's max_length, but never beyond the model's positions. */
  maxLength: number;
  weightDecay: number;
  adam: AdamWConfig;
  gradClip: number | null;
  seed: number;
  evalEvery: number | null;
  /** Examples in the quick validation run every evalEvery steps (the full set at epoch ends). */
  validSample: number;
  earlyStop: EarlyStop | null;
  keepCheckpoints: number;
  batching: Batching;
  maxSteps: number | null;
  timeBudgetMs: number | null;
  /** Optimizer steps per epoch, and in all (after max_steps). */
  stepsPerEpoch: number[];
  totalSteps: number;
  /** What was chosen automatically, in words. */
  auto: Record<string, string>;
}

export const DEFAULT_VALID_SAMPLE = 64;

export function defaultTargets(model: ModelConfig): string[] {
  return model.arch === 'gpt2' ? [GPT2_LORA_TARGETS[0]] : ['q_proj', 'v_proj'];
}

/** Resolves `p` for `examples` training examples on `model`; `stepsPerEpoch` from the batch plans. */
export function resolveConfig(p: TrainParams, examples: number, model: ModelConfig, planSteps: (batchSize: number, epochs: number) => number[], validSample = DEFAULT_VALID_SAMPLE): ResolvedConfig {
  const method = p.method.kind;
  const hyper = resolveAuto(p, examples, method);
  const stepsPerEpoch = planSteps(hyper.batchSize, hyper.epochs);
  const planned = stepsPerEpoch.reduce((a, b) => a + b, 0);
  const totalSteps = p.max_steps !== null ? Math.min(planned, p.max_steps) : planned;
  return {
    method,
    lora:
      p.method.kind === 'lora'
        ? { rank: p.method.rank, alpha: p.method.alpha, dropout: p.method.dropout, targets: p.method.targets.length ? p.method.targets : defaultTargets(model), basePrecision: p.method.base_precision, trainableTokens: [] }
        : null,
    epochs: hyper.epochs,
    batchSize: hyper.batchSize,
    gradAccum: p.grad_accum,
    learningRate: hyper.learningRate,
    schedule: p.schedule,
    warmupSteps: warmupSteps(p.warmup, totalSteps),
    minLrRatio: 0,
    maxLength: Math.min(p.max_length, model.maxPositions),
    weightDecay: p.weight_decay,
    adam: { ...ADAMW_DEFAULTS, weightDecay: p.weight_decay },
    gradClip: p.grad_clip,
    seed: p.seed,
    evalEvery: p.eval_every,
    validSample,
    earlyStop: p.early_stop,
    keepCheckpoints: p.keep_checkpoints,
    batching: p.batching,
    maxSteps: p.max_steps,
    timeBudgetMs: p.time_budget_ms,
    stepsPerEpoch,
    totalSteps,
    auto: hyper.auto
  };
}
