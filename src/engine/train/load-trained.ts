/**
 * Loads anything training produces as a model ready to generate with:
 *   - a Hugging Face model folder (base models, full fine-tuning checkpoints, merged and int8
 *     exports) → model/load.ts;
 *   - a LoRA checkpoint or a PEFT adapter folder → its base model + the adapter, either kept as
 *     LoRA layers (`merge: false`) or folded into the weights (`merge: true`, faster to run).
 * A LoRA trained on an INT8 base (QLoRA-style) is loaded on the INT8 base by default, as it was
 * trained; it cannot be merged into INT8 weights, so `merge` then loads the float32 base.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadModel, type LoadedModel } from '../model/load.ts';
import { attachLora, type LoraAdapters } from './lora.ts';
import { isCheckpoint, readCheckpointMeta, type CheckpointMeta } from './checkpoint.ts';
import { isAdapterFolder, readAdapter } from './peft.ts';
import { quantizeModel } from './quant.ts';

export interface TrainedModel extends LoadedModel {
  /** 'lora' when an adapter was applied (merged or not), else 'full'. */
  kind: 'lora' | 'full';
  /** The attached adapters (null when merged or for full weights). */
  adapters: LoraAdapters | null;
  meta: CheckpointMeta | null;
  /** The base model folder a LoRA was applied to. */
  baseDir: string | null;
}

export interface LoadTrainedOptions {
  /** Fold LoRA adapters into the base weights (default false). */
  merge?: boolean;
  /** Hold the base in INT8 when the adapter was trained that way (default: as trained). */
  basePrecision?: 'float32' | 'int8';
}

/** Resolves a base path written in a checkpoint or adapter_config.json (relative to `dir`). */
export function resolveBasePath(dir: string, p: string): string {
  if (path.isAbsolute(p)) return p;
  const beside = path.resolve(dir, p);
  return fs.existsSync(beside) ? beside : path.resolve(p);
}

export function loadTrainedModel(dir: string, opts: LoadTrainedOptions = {}): TrainedModel {
  const abs = path.resolve(dir);
  const meta = isCheckpoint(abs) ? readCheckpointMeta(abs) : null;
  if (!isAdapterFolder(abs)) {
    const lm = loadModel(abs);
    return { ...lm, kind: 'full', adapters: null, meta, baseDir: null };
  }
  const adapter = readAdapter(abs);
  const baseDir = resolveBasePath(abs, meta ? meta.base.path : adapter.baseNameOrPath);
  if (!fs.existsSync(path.join(baseDir, 'config.json'))) {
    throw new Error(`${abs}: the adapter's base model ${baseDir} is not a model folder (adapter_config.json base_model_name_or_path${meta ? ' / checkpoint.json base.path' : ''})`);
  }
  const lm = loadModel(baseDir);
  lm.model.setTrainable(() => false);
  const trainedInt8 = meta?.lora?.base_precision === 'int8';
  const precision = opts.basePrecision ?? (trainedInt8 && !opts.merge ? 'int8' : 'float32');
  if (precision === 'int8') {
    if (opts.merge) throw new Error('an adapter cannot be merged into an INT8 base; load it with basePrecision float32');
    quantizeModel(lm.model);
  }
  const adapters = attachLora(lm.model, { ...adapter.spec, dropout: 0 }, 0);
  adapters.loadPeft(adapter.tensors);
  adapters.setTraining(false);
  if (opts.merge) {
    adapters.mergeAndDetach(lm.model);
    return { ...lm, kind: 'lora', adapters: null, meta, baseDir };
  }
  return {
    ...lm,
    kind: 'lora',
    adapters,
    meta,
    baseDir,
    dispose: () => {
      adapters.dispose();
      lm.dispose();
    }
  };
}
