/**
 * The training loop, flat (nanoGPT's train.py shape): open a session, then for each epoch and
 * each planned step: learning rate → one optimizer step → metrics → maybe a quick validation →
 * maybe stop for the time budget; at each epoch end: full validation → early stopping → a
 * checkpoint (keep the last N plus the best). The pieces are named helpers in their own modules:
 * session.ts (setup, resume), step.ts (one update), evaluate.ts, checkpoint.ts, metrics.ts.
 *
 *   const result = await train({ params, base, train, validation, workDir, metrics, events });
 *
 * Resuming: a session finds the newest checkpoint of the same configuration and data in workDir
 * and continues after it; data order, dropout masks and optimizer state are restored, so the run
 * ends where an uninterrupted one would.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendRecord } from './backend.ts';
import { openSession, type SessionInput, type TrainSession } from './session.ts';
import { trainStep } from './step.ts';
import { evaluate, validationSample, type EvalResult } from './evaluate.ts';
import { lrAt } from './schedule.ts';
import { listCheckpoints, prune, saveCheckpoint, type BestRecord, type CheckpointMeta, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint.ts';
import type { MetricLine, MetricsSink } from './metrics.ts';
import { earlyStopMetricFor, observe, BUILTIN_EARLY_STOP_METRICS, type EarlyStopMetricFn, type EarlyStopState } from './early-stop.ts';
import { loadTrainedModel } from './load-trained.ts';
import { loadModel } from '../model/load.ts';
import { ENGINE_VERSION } from '../version.ts';

export interface TrainEvents {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  /** checkpoint, validation, early_stop, train_started, train_finished … */
  emit(type: string, message: string, data?: Record<string, unknown>): void;
  progress(p: { done: number; total: number; unit: string; phase?: string }): void;
}

export interface TrainOptions extends SessionInput {
  metrics?: MetricsSink | null;
  /** Tags metric lines (a run has one metrics.jsonl for all its train stages). */
  stage?: string;
  events?: Partial<TrainEvents>;
  /** Computes a generation metric for early stopping (default: the registered provider). */
  earlyStopMetric?: EarlyStopMetricFn | null;
  /** Recorded in the summary. */
  backend?: BackendRecord | null;
}

export type StopReason = 'completed' | 'early_stop' | 'max_steps' | 'time_budget';

export interface CheckpointInfo {
  name: string;
  dir: string;
  step: number;
  epoch: number;
  valid_loss: number | null;
}

export interface TrainSummary {
  engine_version: string;
  method: 'lora' | 'full';
  base: { name: string; path: string; derived_from: string | null };
  backend: BackendRecord | null;
  config: Record<string, unknown>;
  data: { train: Record<string, number>; validation: Record<string, number> | null };
  trainable_parameters: number;
  total_parameters: number;
  weight_decay_applies_to: string;
  steps: number;
  total_steps: number;
  epochs_completed: number;
  tokens_seen: number;
  elapsed_ms: number;
  tokens_per_second: number;
  stopped_by: StopReason;
  resumed_from: { checkpoint: string; step: number } | null;
  train_loss: number | null;
  base_valid: { loss: number; token_accuracy: number } | null;
  final_valid: { loss: number; token_accuracy: number } | null;
  best: BestRecord | null;
  early_stop: { metric: string; patience: number; bad_epochs: number; triggered: boolean; note: string | null } | null;
  quantization: Record<string, number | string> | null;
  checkpoints: CheckpointInfo[];
  final_checkpoint: string;
  /** The best by the watched metric; the last one when nothing was validated. */
  best_checkpoint: string;
  last_checkpoint: string;
}

export interface TrainResult {
  summary: TrainSummary;
  /** Folder of the final checkpoint (the best when validated, else the last), and the others. */
  final: string;
  best: string;
  last: string;
  checkpoints: CheckpointInfo[];
  workDir: string;
}

const noop = () => {};

function evalOpts(s: TrainSession, signal?: AbortSignal) {
  return { padId: s.padId, signal };
}

/** Runs validation with dropout off. */
function validate(s: TrainSession, examples: TrainSession['validExamples'], signal?: AbortSignal): EvalResult {
  s.adapters?.setTraining(false);
  try {
    return evaluate(s.lm.model, examples, evalOpts(s, signal));
  } finally {
    s.adapters?.setTraining(true);
  }
}

const yieldNow = () => new Promise<void>((r) => setImmediate(r));

export async function train(opts: TrainOptions): Promise<TrainResult> {
  const ev: TrainEvents = { info: noop, warn: noop, emit: noop, progress: noop, ...opts.events };
  const session = await openSession({ ...opts, onInfo: (m, d) => ev.info(m, d) });
  try {
    return await loop(session, opts, ev);
  } finally {
    session.dispose();
  }
}

async function loop(s: TrainSession, opts: TrainOptions, ev: TrainEvents): Promise<TrainResult> {
  const { cfg } = s;
  const wallStart = Date.now();
  const r = s.resumed;
  const signal = opts.signal;
  let step = r?.step ?? 0;
  let epoch = r?.epoch ?? 0; // completed epochs
  let epochStep = r?.epoch_step ?? 0;
  let tokensSeen = r?.tokens_seen ?? 0;
  const elapsedBefore = r?.elapsed_ms ?? 0;
  let trainMs = 0;
  let sessionTokens = 0;
  let sessionSteps = 0;
  let best: BestRecord | null = r?.best ?? null;
  let lastTrainLoss: number | null = r?.train_loss ?? null;
  let lastSaved: CheckpointMeta | null = r;
  let stoppedBy: StopReason = 'completed';
  const validSample = validationSample(s.validExamples, cfg.validSample, cfg.seed);
  const hasValid = s.validExamples.length > 0;

  // ── early stopping: which metric, computed how ──
  const es = cfg.earlyStop;
  let esMetric = es?.metric ?? 'val_loss';
  let esDirection: 'min' | 'max' = es?.direction ?? 'min';
  let esNote: string | null = null;
  let esFn: EarlyStopMetricFn | null = null;
  if (es && !hasValid) {
    esNote = 'early stopping needs validation data; it is off';
    ev.warn(esNote);
  } else if (es && !BUILTIN_EARLY_STOP_METRICS.includes(es.metric)) {
    esFn = opts.earlyStopMetric ?? earlyStopMetricFor(es.metric);
    if (!esFn) {
      esNote = `no evaluator provides '${es.metric}' during training; early stopping watches val_loss instead`;
      ev.warn(esNote);
      esMetric = 'val_loss';
      esDirection = 'min';
    }
  }
  const esState: EarlyStopState = { best: best?.value ?? null, badEpochs: r?.early_stop.bad_epochs ?? 0 };
  let esTriggered = false;

  // ── the model before training, for the record ──
  const baseValid = r ? ((r.config.base_valid as TrainSummary['base_valid']) ?? null) : hasValid ? toValid(validate(s, s.validExamples, signal)) : null;
  const config = { ...cfg, fingerprint: s.fingerprint, base_valid: baseValid, backend: opts.backend?.backend ?? tf.getBackend() };

  ev.emit('train_started', `training ${cfg.method}${cfg.lora ? ` r=${cfg.lora.rank}` : ''} on ${s.base.name}: ${s.trainExamples.length} examples, ${cfg.epochs} epochs, ${cfg.totalSteps} steps${r ? ` (resuming at step ${step})` : ''}`, {
    total_steps: cfg.totalSteps,
    epochs: cfg.epochs,
    batch_size: cfg.batchSize,
    learning_rate: cfg.learningRate,
    auto: cfg.auto,
    data: s.reports.train,
    trainable_parameters: s.trainableParameters,
    resumed_from: r ? r.name : null
  });
  if (!hasValid && opts.validation?.length !== undefined) ev.warn('no validation data (the validation part is empty): no validation loss, no early stopping, and the best checkpoint is the last');
  if (s.reports.train.truncated) ev.warn(`${s.reports.train.truncated} of ${s.reports.train.conversations} training conversations were longer than ${cfg.maxLength} tokens and were truncated`);

  const metricBase = (extra: Partial<MetricLine>): MetricLine => ({
    ...(opts.stage ? { stage: opts.stage } : {}),
    step,
    total_steps: cfg.totalSteps,
    epoch: Number((epoch + (s.plans[epoch] ? epochStep / s.plans[epoch].length : 0)).toFixed(4)),
    elapsed_ms: elapsedBefore + (Date.now() - wallStart),
    ts: new Date().toISOString(),
    ...extra
  });

  const checkpoint = async (name: string, valid: EvalResult | null) => {
    const meta: CheckpointMeta = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      name,
      kind: cfg.method,
      created_at: new Date().toISOString(),
      step,
      total_steps: cfg.totalSteps,
      epoch,
      epoch_step: epochStep,
      tokens_seen: tokensSeen,
      elapsed_ms: elapsedBefore + (Date.now() - wallStart),
      train_loss: lastTrainLoss,
      valid: valid ? { loss: valid.loss, token_accuracy: valid.tokenAccuracy } : null,
      best,
      early_stop: { bad_epochs: esState.badEpochs },
      rng: { dropout: s.adapters?.rngState ?? 0 },
      base: s.base,
      lora: cfg.lora ? { rank: cfg.lora.rank, alpha: cfg.lora.alpha, dropout: cfg.lora.dropout, targets: cfg.lora.targets, trainableTokens: cfg.lora.trainableTokens, base_precision: cfg.lora.basePrecision } : null,
      config
    };
    const baseForAdapter = s.base.path; // relative ('../base') for a merged staged base
    const dir = await saveCheckpoint(opts.workDir, { meta, model: s.lm.model, adapters: s.adapters, optimizer: s.optimizer, baseDir: cfg.lora ? baseForAdapter : s.baseDir });
    lastSaved = meta;
    ev.emit('checkpoint', `checkpoint ${name} (step ${step}${valid ? `, full_valid_loss ${valid.loss.toFixed(4)}` : ''})`, { name, dir, step, epoch, valid_loss: valid?.loss ?? null });
    return dir;
  };

  outer: for (let e = epoch; e < cfg.epochs; e++) {
    const plan = s.plans[e];
    for (let k = e === epoch ? epochStep : 0; k < plan.length; k++) {
      if (step >= cfg.totalSteps) {
        stoppedBy = 'max_steps';
        break outer;
      }
      if (signal?.aborted) {
        if (!lastSaved || lastSaved.step !== step) await checkpoint(`step-${step}`, null);
        signal.throwIfAborted();
      }
      const lr = lrAt(s.schedule, step);
      const t = performance.now();
      const st = trainStep({ model: s.lm.model, params: s.optimParams, optimizer: s.optimizer, examples: s.trainExamples, micro: plan[k], padId: s.padId, lr, gradClip: cfg.gradClip, tokens: s.adapters?.tokens });
      trainMs += performance.now() - t;
      if (!st.applied) ev.warn(`step ${step + 1}: the gradient is not finite (norm ${st.gradNorm}); update skipped`);
      step++;
      sessionSteps++;
      epoch = e;
      epochStep = k + 1;
      tokensSeen += st.tokens;
      sessionTokens += st.tokens;
      lastTrainLoss = st.loss;
      const wall = Date.now() - wallStart;
      const tps = trainMs > 0 ? (sessionTokens * 1000) / trainMs : 0;
      const line = metricBase({ train_loss: st.loss, train_mean_token_accuracy: st.tokenAccuracy, lr, grad_norm: st.gradNorm, tokens: st.tokens, tokens_per_second: tps, eta_ms: Math.round((wall / sessionSteps) * (cfg.totalSteps - step)) });
      if (cfg.evalEvery && step % cfg.evalEvery === 0 && hasValid && step < cfg.totalSteps && epochStep < plan.length) {
        const v = validate(s, validSample, signal);
        line.valid_loss = v.loss;
        line.valid_mean_token_accuracy = v.tokenAccuracy;
        ev.emit('validation', `step ${step}: valid_loss ${v.loss.toFixed(4)} (sample of ${v.examples})`, { step, valid_loss: v.loss, valid_mean_token_accuracy: v.tokenAccuracy, examples: v.examples });
      }
      opts.metrics?.write(line);
      ev.progress({ done: step, total: cfg.totalSteps, unit: 'steps', phase: `epoch ${e + 1}/${cfg.epochs} loss ${st.loss.toFixed(3)} ${Math.round(tps)} tok/s` });
      if (cfg.timeBudgetMs !== null && elapsedBefore + wall >= cfg.timeBudgetMs) {
        stoppedBy = 'time_budget';
        ev.warn(`time budget of ${cfg.timeBudgetMs} ms reached at step ${step} of ${cfg.totalSteps}`);
        break outer;
      }
      await yieldNow();
    }
    // ── epoch end ──
    epoch = e + 1;
    epochStep = 0;
    let valid: EvalResult | null = null;
    let improved = false;
    if (hasValid) {
      valid = validate(s, s.validExamples, signal);
      opts.metrics?.write(metricBase({ full_valid_loss: valid.loss, full_valid_mean_token_accuracy: valid.tokenAccuracy }));
      ev.emit('validation', `epoch ${epoch}: full_valid_loss ${valid.loss.toFixed(4)}, full_valid_mean_token_accuracy ${valid.tokenAccuracy.toFixed(4)}`, { epoch, step, full_valid_loss: valid.loss, full_valid_mean_token_accuracy: valid.tokenAccuracy });
      const value = await watchedValue(s, esMetric, esFn, valid, signal);
      const o = observe(esState, value, { direction: esDirection, min_delta: es?.min_delta ?? 0, patience: es?.patience ?? Infinity });
      improved = o.improved;
      if (improved) best = { metric: esMetric, value, step, epoch, checkpoint: `epoch-${epoch}` };
      if (es && !esNote?.startsWith('early stopping needs') && o.stop) esTriggered = true;
    }
    await checkpoint(`epoch-${epoch}`, valid);
    await prune(opts.workDir, cfg.keepCheckpoints, best?.checkpoint ?? null);
    if (esTriggered) {
      stoppedBy = 'early_stop';
      ev.emit('early_stop', `early stopping after epoch ${epoch}: ${esMetric} did not improve for ${esState.badEpochs} epoch(s) (best ${best?.value.toFixed(4)} at epoch ${best?.epoch})`, { epoch, metric: esMetric, best });
      break;
    }
  }

  // ── the end: make sure the final state is a checkpoint ──
  let finalValid: EvalResult | null = null;
  if (!lastSaved || lastSaved.step !== step) {
    finalValid = hasValid ? validate(s, s.validExamples, signal) : null;
    if (finalValid) opts.metrics?.write(metricBase({ full_valid_loss: finalValid.loss, full_valid_mean_token_accuracy: finalValid.tokenAccuracy }));
    await checkpoint(`step-${step}`, finalValid);
  } else if (lastSaved.valid) finalValid = { loss: lastSaved.valid.loss, tokenAccuracy: lastSaved.valid.token_accuracy, targetTokens: 0, examples: s.validExamples.length };

  const kept = listCheckpoints(opts.workDir).map((c) => ({ name: c.meta.name, dir: c.dir, step: c.meta.step, epoch: c.meta.epoch, valid_loss: c.meta.valid?.loss ?? null }));
  const lastCk = kept[kept.length - 1];
  // Without a validated best (no validation data, or stopped before an epoch end), the best
  // checkpoint is the last one: `stage@best` always names a model.
  const bestCk = (best ? kept.find((c) => c.name === best!.checkpoint) : undefined) ?? lastCk;
  const finalCk = bestCk;
  const quantization = s.quantization ? await quantizationReport(s, finalCk.dir, baseValid) : null;
  // Key order is display order (tunebench show prints summaries flat): outcome first, details last.
  const summary: TrainSummary = {
    method: cfg.method,
    steps: step,
    total_steps: cfg.totalSteps,
    epochs_completed: epoch,
    stopped_by: stoppedBy,
    base_valid: baseValid,
    final_valid: finalValid ? toValid(finalValid) : null,
    train_loss: lastTrainLoss,
    final_checkpoint: finalCk.name,
    best_checkpoint: bestCk.name,
    last_checkpoint: lastCk.name,
    tokens_seen: tokensSeen,
    tokens_per_second: trainMs > 0 ? (sessionTokens * 1000) / trainMs : 0,
    elapsed_ms: elapsedBefore + (Date.now() - wallStart),
    trainable_parameters: s.trainableParameters,
    total_parameters: s.lm.model.parameterCount(),
    resumed_from: r ? { checkpoint: r.name, step: r.step } : null,
    best,
    early_stop: es ? { metric: esMetric, patience: es.patience, bad_epochs: esState.badEpochs, triggered: esTriggered, note: esNote } : null,
    quantization,
    base: { name: s.base.name, path: s.baseDir, derived_from: s.base.derivedFrom?.checkpoint ?? null },
    data: { train: reportRecord(s.reports.train), validation: s.reports.validation ? reportRecord(s.reports.validation) : null },
    weight_decay_applies_to: 'matrices (ndim >= 2: projections, embeddings, LoRA A/B); never norm weights or biases',
    checkpoints: kept,
    config: config as unknown as Record<string, unknown>,
    backend: opts.backend ?? null,
    engine_version: ENGINE_VERSION
  };

  ev.emit('train_finished', `trained ${step} steps (${stoppedBy}); final checkpoint ${finalCk.name}${summary.final_valid ? `, full_valid_loss ${summary.final_valid.loss.toFixed(4)}` : ''}`, { stopped_by: stoppedBy, final_checkpoint: finalCk.name, steps: step });
  return { summary, final: finalCk.dir, best: bestCk.dir, last: lastCk.dir, checkpoints: kept, workDir: opts.workDir };
}

function toValid(v: EvalResult): { loss: number; token_accuracy: number } {
  return { loss: v.loss, token_accuracy: v.tokenAccuracy };
}

function reportRecord(r: object): Record<string, number> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
}

/** The value early stopping and the best checkpoint watch. */
async function watchedValue(s: TrainSession, metric: string, fn: EarlyStopMetricFn | null, valid: EvalResult, signal?: AbortSignal): Promise<number> {
  if (metric === 'val_loss') return valid.loss;
  if (metric === 'val_token_accuracy') return valid.tokenAccuracy;
  s.adapters?.setTraining(false);
  try {
    return await fn!({ model: s.lm.model, tokenizer: s.lm.tokenizer!, chat: s.lm.chat!, generation: s.lm.generation, validation: s.validation, params: s.cfg.earlyStop!, signal });
  } finally {
    s.adapters?.setTraining(true);
  }
}

/**
 * QLoRA-style runs: bytes saved, and validation loss of the base and of the trained adapters on
 * the float32 base vs the INT8 base they trained on.
 */
async function quantizationReport(s: TrainSession, finalDir: string, baseValidInt8: TrainSummary['base_valid']): Promise<Record<string, number | string>> {
  const q = s.quantization!;
  const out: Record<string, number | string> = { layers: q.layers, float32_bytes: q.float32Bytes, int8_bytes: q.int8Bytes, saved_bytes: q.savedBytes, scheme: 'int8 weight-only, symmetric, per output channel' };
  if (!s.validExamples.length) return out;
  const base = loadModel(s.baseDir);
  try {
    const v = evaluate(base.model, s.validExamples, { padId: s.padId });
    out.base_valid_loss_float32 = v.loss;
    if (baseValidInt8) out.base_valid_loss_int8 = baseValidInt8.loss;
  } finally {
    base.dispose();
  }
  const fp = loadTrainedModel(finalDir, { basePrecision: 'float32' });
  try {
    out.valid_loss_float32_base = evaluate(fp.model, s.validExamples, { padId: s.padId }).loss;
  } finally {
    fp.dispose();
  }
  const int8 = loadTrainedModel(finalDir, { basePrecision: 'int8' });
  try {
    out.valid_loss_int8_base = evaluate(int8.model, s.validExamples, { padId: s.padId }).loss;
  } finally {
    int8.dispose();
  }
  out.valid_loss_difference = (out.valid_loss_int8_base as number) - (out.valid_loss_float32_base as number);
  return out;
}
