/**
 * Everything a training run holds, set up in order: the base model (a model folder, or a previous
 * stage's checkpoint — staged fine-tuning), the method (LoRA on float32 or INT8 base weights, or
 * full fine-tuning), the tokenized data, the resolved configuration, the optimizer, and — when
 * the work folder has a checkpoint of the same configuration and data — the state to resume from.
 *
 * Staged fine-tuning: a LoRA checkpoint as base is merged into its base weights (W + α/r·A·B) and
 * the result is written once as a model folder `base/` in the work folder, so the new stage's
 * adapters have a real base folder to point at (PEFT needs one) and later stages chain the same
 * way. A full fine-tuning checkpoint is already a model folder and is used as is. Merging rather
 * than stacking keeps one adapter per checkpoint (PEFT-compatible, one extra matMul pair per
 * target instead of one per stage) at the cost of one model copy on disk per LoRA-on-LoRA stage.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainParams } from '../../../dsl/plan.ts';
import { loadModel, type LoadedModel } from '../model/load.ts';
import type { ChatMessage } from '../model/chat-template.ts';
import { exportHfTensors } from '../model/param-io.ts';
import { readSafetensors, tensorToF32, writeSafetensors } from '../model/safetensors.ts';
import { tokenizeConversations, type Example, type TokenizeReport } from './data.ts';
import { planEpoch, type EpochPlan } from './batches.ts';
import { PACKING } from './format.ts';
import { resolveConfig, type ResolvedConfig } from './config.ts';
import { attachLora, type LoraAdapters } from './lora.ts';
import { quantizeModel, type QuantizeReport } from './quant.ts';
import { defaultTrainableTokens } from './tokens.ts';
import { AdamW, type OptimParam } from './optimizer.ts';
import { loadTrainedModel } from './load-trained.ts';
import { listCheckpoints, MODEL_SIDE_FILES, readOptimizerState, type BaseRecord, type CheckpointMeta } from './checkpoint.ts';
import type { Schedule } from './schedule.ts';

/** Where training starts: a model folder, or a checkpoint of an earlier stage. */
export type BaseRef = { kind: 'model'; name: string; dir: string } | { kind: 'checkpoint'; name: string; dir: string };

export interface SessionInput {
  params: TrainParams;
  base: BaseRef;
  train: ChatMessage[][];
  validation?: ChatMessage[][] | null;
  /** Checkpoints (and a merged staged base) go here; resuming reads from here. */
  workDir: string;
  /** Continue from the newest matching checkpoint in workDir (default true). */
  resume?: boolean;
  validSample?: number;
  /** LoRA: also train the embedding rows of special and byte-fallback tokens that occur as
   *  targets ('auto', the default; see tokens.ts), or not ('none'). */
  trainableTokens?: 'auto' | 'none';
  signal?: AbortSignal;
  onInfo?: (message: string, data?: Record<string, unknown>) => void;
}

export interface TrainSession {
  lm: LoadedModel;
  base: BaseRecord;
  /** The model folder the weights came from (side files, adapter base). */
  baseDir: string;
  cfg: ResolvedConfig;
  params: TrainParams;
  trainExamples: Example[];
  validExamples: Example[];
  validation: ChatMessage[][];
  reports: { train: TokenizeReport; validation: TokenizeReport | null };
  plans: EpochPlan[];
  adapters: LoraAdapters | null;
  optimParams: OptimParam[];
  optimizer: AdamW;
  schedule: Schedule;
  quantization: QuantizeReport | null;
  padId: number;
  /** sha256 over the resolved configuration, the base and the data: checkpoints must match it. */
  fingerprint: string;
  trainableParameters: number;
  /** Set when restored from a checkpoint. */
  resumed: CheckpointMeta | null;
  dispose(): void;
}

/** FNV-1a over every example's ids and mask: the data's identity for resuming. */
function dataHash(examples: Example[]): string {
  let h = 0x811c9dc5;
  for (const e of examples) {
    for (let i = 0; i < e.ids.length; i++) h = Math.imul(h ^ (e.ids[i] + 31 * e.mask[i]), 0x01000193) >>> 0;
    h = Math.imul(h ^ 0xff, 0x01000193) >>> 0;
  }
  return (h >>> 0).toString(16);
}

async function loadBase(ref: BaseRef, workDir: string, onInfo?: SessionInput['onInfo']): Promise<{ lm: LoadedModel; base: BaseRecord; baseDir: string }> {
  if (ref.kind === 'model') return { lm: loadModel(ref.dir), base: { kind: 'model', name: ref.name, path: ref.dir, derivedFrom: null }, baseDir: ref.dir };
  const merged = path.join(workDir, 'base');
  if (fs.existsSync(path.join(merged, 'model.safetensors'))) {
    return { lm: loadModel(merged), base: { kind: 'model', name: ref.name, path: '../base', derivedFrom: { checkpoint: ref.dir, how: 'merged-lora' } }, baseDir: merged };
  }
  const tm = loadTrainedModel(ref.dir, { merge: true });
  if (tm.kind === 'full') return { lm: tm, base: { kind: 'model', name: ref.name, path: ref.dir, derivedFrom: { checkpoint: ref.dir, how: 'full-weights' } }, baseDir: ref.dir };
  // A LoRA checkpoint: write the merged weights as a model folder (see the file comment).
  const tmp = `${merged}.tmp-${process.pid}`;
  await fsp.rm(tmp, { recursive: true, force: true });
  await fsp.mkdir(tmp, { recursive: true });
  await writeSafetensors(path.join(tmp, 'model.safetensors'), await exportHfTensors(tm.model));
  for (const f of MODEL_SIDE_FILES) if (fs.existsSync(path.join(tm.baseDir!, f))) await fsp.copyFile(path.join(tm.baseDir!, f), path.join(tmp, f));
  await fsp.rename(tmp, merged);
  onInfo?.(`merged the adapter of ${ref.name} into its base: ${merged}`);
  return { lm: tm, base: { kind: 'model', name: ref.name, path: '../base', derivedFrom: { checkpoint: ref.dir, how: 'merged-lora' } }, baseDir: merged };
}

/** Restores a full fine-tuning checkpoint's weights into the live model. */
function restoreFullWeights(lm: LoadedModel, dir: string): void {
  const st = readSafetensors(path.join(dir, 'model.safetensors'));
  for (const p of lm.model.params.values()) {
    if (!st.entries.has(p.name)) throw new Error(`${dir}: model.safetensors has no ${p.name}`);
    const data = tensorToF32(st, p.name);
    tf.tidy(() => {
      const t = tf.tensor(data, p.hfShape);
      p.variable.assign(p.transposed ? tf.transpose(t) : t);
    });
  }
}

export async function openSession(inp: SessionInput): Promise<TrainSession> {
  await fsp.mkdir(inp.workDir, { recursive: true });
  const { lm, base, baseDir } = await loadBase(inp.base, inp.workDir, inp.onInfo);
  try {
    if (!lm.chat || !lm.tokenizer) throw new Error(`${baseDir} has no tokenizer; training needs tokenizer.json and a chat template`);
    const p = inp.params;
    const maxLength = Math.min(p.max_length, lm.model.config.maxPositions);
    const tr = tokenizeConversations(lm.chat, inp.train, maxLength, { signal: inp.signal });
    if (!tr.examples.length) throw new Error(`no training example has a trainable assistant turn within ${maxLength} tokens (${tr.report.conversations} conversations read)`);
    const validation = inp.validation ?? [];
    const va = validation.length ? tokenizeConversations(lm.chat, validation, maxLength, { signal: inp.signal }) : null;
    const batchOpts = (batchSize: number) => ({ batching: p.batching, batchSize, gradAccum: p.grad_accum, maxLength, seed: p.seed });
    let plans: EpochPlan[] = [];
    const cfg = resolveConfig(p, tr.examples.length, lm.model.config, (batchSize, epochs) => {
      plans = Array.from({ length: epochs }, (_, e) => planEpoch(tr.examples, batchOpts(batchSize), e));
      return plans.map((pl) => pl.length);
    }, inp.validSample);

    // ── method ──
    let adapters: LoraAdapters | null = null;
    let quantization: QuantizeReport | null = null;
    let optimParams: OptimParam[];
    if (cfg.lora) {
      if (inp.trainableTokens !== 'none') cfg.lora.trainableTokens = defaultTrainableTokens(lm.tokenizer, tr.examples);
      lm.model.setTrainable(() => false);
      if (cfg.lora.basePrecision === 'int8') quantization = quantizeModel(lm.model);
      adapters = attachLora(lm.model, cfg.lora, cfg.seed);
      optimParams = adapters.params();
    } else {
      lm.model.setTrainable(() => true);
      optimParams = [...lm.model.params.values()].map((x) => ({ name: x.name, variable: x.variable }));
    }
    const optimizer = new AdamW(optimParams, cfg.adam);
    const schedule: Schedule = { kind: cfg.schedule, peak: cfg.learningRate, warmupSteps: cfg.warmupSteps, totalSteps: cfg.totalSteps, minRatio: cfg.minLrRatio };
    const padId = lm.generation.padTokenId ?? lm.tokenizer.pad?.id ?? lm.generation.eosTokenIds[0] ?? 0;
    const fingerprint = createHash('sha256')
      .update(JSON.stringify({ cfg, packing: cfg.batching === 'packed' ? PACKING : undefined, base: { name: base.name, derivedFrom: base.derivedFrom?.checkpoint ?? null }, train: dataHash(tr.examples), valid: va ? dataHash(va.examples) : null }))
      .digest('hex');

    const session: TrainSession = {
      lm,
      base,
      baseDir,
      cfg,
      params: p,
      trainExamples: tr.examples,
      validExamples: va?.examples ?? [],
      validation,
      reports: { train: tr.report, validation: va?.report ?? null },
      plans,
      adapters,
      optimParams,
      optimizer,
      schedule,
      quantization,
      padId,
      fingerprint,
      trainableParameters: optimParams.reduce((n, x) => n + x.variable.size, 0),
      resumed: null,
      dispose: () => {
        optimizer.dispose();
        adapters?.dispose();
        lm.dispose();
      }
    };
    if (inp.resume !== false) session.resumed = restoreLatest(session, inp.workDir, inp.onInfo);
    return session;
  } catch (e) {
    lm.dispose();
    throw e;
  }
}

/** Loads the newest checkpoint in `workDir` made by the same configuration and data, if any. */
function restoreLatest(s: TrainSession, workDir: string, onInfo?: SessionInput['onInfo']): CheckpointMeta | null {
  const all = listCheckpoints(workDir);
  const mine = all.filter((c) => (c.meta.config as { fingerprint?: string }).fingerprint === s.fingerprint);
  if (all.length && !mine.length) onInfo?.(`${all.length} checkpoint(s) in ${workDir} come from another configuration or data; starting afresh`);
  const latest = mine[mine.length - 1];
  if (!latest) return null;
  if (s.adapters) {
    const st = readSafetensors(path.join(latest.dir, 'adapter_model.safetensors'));
    const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [n, e] of st.entries) tensors.set(n, { shape: e.shape, data: tensorToF32(st, n) });
    s.adapters.loadPeft(tensors);
    s.adapters.rngState = latest.meta.rng.dropout;
  } else restoreFullWeights(s.lm, latest.dir);
  const opt = readOptimizerState(latest.dir);
  s.optimizer.importState(opt.tensors, opt.step);
  onInfo?.(`resuming from checkpoint ${latest.meta.name} (step ${latest.meta.step} of ${latest.meta.total_steps})`, { checkpoint: latest.meta.name, step: latest.meta.step });
  return latest.meta;
}
