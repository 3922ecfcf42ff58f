/**
 * Checkpoints: one self-describing folder each, usable for generation as it is.
 *
 *   <name>/                      name = epoch-<E> (epoch ends) or step-<S> (time budget, cancel)
 *     checkpoint.json            CheckpointMeta: format, version, step, epoch, position in the
 *                                epoch, best so far, early-stopping state, RNG state, the resolved
 *                                configuration, the base model, the validation result
 *     adapter_config.json        LoRA: a PEFT adapter folder (see peft.ts) …
 *     adapter_model.safetensors
 *     config.json …              full fine-tuning: a Hugging Face model folder (config,
 *     model.safetensors          model.safetensors, generation_config, tokenizer files)
 *     optimizer.safetensors      AdamW moments: exp_avg.<param>, exp_avg_sq.<param>
 *
 * Written atomically: everything goes into a hidden temporary folder beside it, which is renamed
 * into place; a crash leaves either the old checkpoint or the new one. Retention: the last N
 * epoch checkpoints plus the best (`prune`).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CausalLM } from '../model/causal-lm.ts';
import { exportHfTensors } from '../model/param-io.ts';
import { readSafetensors, tensorToF32, writeSafetensors } from '../model/safetensors.ts';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import type { LoraAdapters, LoraSpec } from './lora.ts';
import type { AdamW } from './optimizer.ts';
import { writeAdapter } from './peft.ts';

export const CHECKPOINT_FORMAT = 'tunebench.checkpoint';
export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_FILE = 'checkpoint.json';
export const OPTIMIZER_FILE = 'optimizer.safetensors';

/** The files of a model folder that go with full weights (copied from the base folder). */
export const MODEL_SIDE_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'tokenizer.model'];

/** Where training started from. `path` is absolute, or relative to the checkpoint folder. */
export interface BaseRecord {
  /** model: a Hugging Face folder; its name as the user wrote it. */
  kind: 'model';
  name: string;
  path: string;
  /** For staged fine-tuning: the checkpoint this base was made from (merged), and how. */
  derivedFrom: { checkpoint: string; how: 'merged-lora' | 'full-weights' } | null;
}

export interface BestRecord {
  metric: string;
  value: number;
  step: number;
  epoch: number;
  checkpoint: string;
}

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  name: string;
  kind: 'lora' | 'full';
  created_at: string;
  /** Optimizer steps taken. */
  step: number;
  total_steps: number;
  /** Completed epochs, and steps taken in the epoch under way (0 at an epoch end). */
  epoch: number;
  epoch_step: number;
  tokens_seen: number;
  elapsed_ms: number;
  train_loss: number | null;
  /** Full validation at this checkpoint (epoch ends), else null. */
  valid: { loss: number; token_accuracy: number } | null;
  best: BestRecord | null;
  early_stop: { bad_epochs: number };
  rng: { dropout: number };
  base: BaseRecord;
  lora: (LoraSpec & { base_precision: 'float32' | 'int8' }) | null;
  /** The resolved training configuration (see trainer.ts ResolvedConfig). */
  config: Record<string, unknown>;
}

export interface SaveInput {
  dir: string;
  meta: CheckpointMeta;
  model: CausalLM;
  adapters: LoraAdapters | null;
  optimizer: AdamW;
  /** The base model folder (side files for full checkpoints; adapter base path). */
  baseDir: string;
}

function tmpDirFor(target: string): string {
  return path.join(path.dirname(target), `.tmp-${path.basename(target)}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Writes checkpoint `meta.name` under `root` atomically; returns its folder. */
export async function saveCheckpoint(root: string, s: Omit<SaveInput, 'dir'>): Promise<string> {
  const target = path.join(root, s.meta.name);
  const tmp = tmpDirFor(target);
  await fsp.mkdir(tmp, { recursive: true });
  try {
    if (s.adapters) {
      await writeAdapter(tmp, s.adapters, s.baseDir, s.model.arch);
    } else {
      await writeSafetensors(path.join(tmp, 'model.safetensors'), await exportHfTensors(s.model));
      for (const f of MODEL_SIDE_FILES) {
        const src = path.join(s.baseDir, f);
        if (fs.existsSync(src)) await fsp.copyFile(src, path.join(tmp, f));
      }
    }
    await writeSafetensors(path.join(tmp, OPTIMIZER_FILE), await s.optimizer.exportState(), { metadata: { format: 'pt', step: String(s.optimizer.step) } });
    await writeJsonAtomic(path.join(tmp, CHECKPOINT_FILE), s.meta);
    if (fs.existsSync(target)) {
      const old = tmpDirFor(target);
      await fsp.rename(target, old);
      await fsp.rename(tmp, target);
      await fsp.rm(old, { recursive: true, force: true });
    } else await fsp.rename(tmp, target);
  } catch (e) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return target;
}

export function readCheckpointMeta(dir: string): CheckpointMeta {
  const file = path.join(dir, CHECKPOINT_FILE);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(fs.readFileSync(file, 'utf8')) as CheckpointMeta;
  } catch (e) {
    throw new Error(`${file}: ${fs.existsSync(file) ? `is not valid JSON (${(e as Error).message})` : 'is missing'}`);
  }
  if (meta.format !== CHECKPOINT_FORMAT) throw new Error(`${file}: not a tunebench checkpoint (format ${JSON.stringify(meta.format)})`);
  if (meta.version > CHECKPOINT_VERSION) throw new Error(`${file}: checkpoint version ${meta.version} is newer than this tunebench reads (${CHECKPOINT_VERSION})`);
  return meta;
}

export function isCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, CHECKPOINT_FILE));
}

/** The complete checkpoints under `root` (hidden temporary folders skipped), oldest first. */
export function listCheckpoints(root: string): { dir: string; meta: CheckpointMeta }[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const out: { dir: string; meta: CheckpointMeta }[] = [];
  for (const n of names) {
    if (n.startsWith('.')) continue;
    const dir = path.join(root, n);
    if (!isCheckpoint(dir)) continue;
    try {
      out.push({ dir, meta: readCheckpointMeta(dir) });
    } catch {
      // unreadable: not a resumable checkpoint
    }
  }
  return out.sort((a, b) => a.meta.step - b.meta.step || a.meta.name.localeCompare(b.meta.name));
}

/** Optimizer moments of a checkpoint and the optimizer's update count. */
export function readOptimizerState(dir: string): { tensors: Map<string, Float32Array>; step: number } {
  const file = path.join(dir, OPTIMIZER_FILE);
  const st = readSafetensors(file);
  const tensors = new Map<string, Float32Array>();
  for (const n of st.entries.keys()) tensors.set(n, tensorToF32(st, n));
  const step = Number(st.metadata.step);
  if (!Number.isInteger(step) || step < 0) throw new Error(`${file}: metadata 'step' is missing or not a whole number`);
  return { tensors, step };
}

/**
 * Deletes checkpoints beyond the last `keep` epoch checkpoints, except `best`. Step checkpoints
 * older than the newest epoch checkpoint go too (they were only for resuming).
 */
export async function prune(root: string, keep: number, best: string | null): Promise<string[]> {
  const all = listCheckpoints(root);
  const epochs = all.filter((c) => c.meta.epoch_step === 0 && c.meta.name.startsWith('epoch-'));
  const keepSet = new Set(epochs.slice(-Math.max(1, keep)).map((c) => c.meta.name));
  if (best) keepSet.add(best);
  const newestEpochStep = epochs.length ? epochs[epochs.length - 1].meta.step : -1;
  const removed: string[] = [];
  for (const c of all) {
    const isEpoch = c.meta.epoch_step === 0 && c.meta.name.startsWith('epoch-');
    const drop = isEpoch ? !keepSet.has(c.meta.name) : c.meta.step <= newestEpochStep && c.meta.name !== best;
    if (drop) {
      await fsp.rm(c.dir, { recursive: true, force: true });
      removed.push(c.meta.name);
    }
  }
  return removed;
}
