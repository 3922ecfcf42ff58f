/**
 * The models an eval stage generates with, resolved to folders and content identities:
 *
 *   base model  "tinystories-260k" / base  → model/registry.ts resolveModel; identity = sha256 over
 *               the folder's config, tokenizer and weight files (the trainer hashes a base the same
 *               way), so a changed model file changes the eval's cache key
 *   train stage tuned / tuned@best / tuned@epoch 2 → the train stage's output of that name; identity
 *               = the train stage's cache key + the output name
 *
 * Loading goes through the trainer's loadTrainedModel (a base folder, a full fine-tuning
 * checkpoint or a LoRA checkpoint). LoRA adapters are merged into the weights for speed, except
 * when they were trained on an INT8 base: those run as trained (INT8 base + adapters).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EvalModel, EvalModelSource } from '../../../../dsl/plan.ts';
import type { Workspace } from '../../workspace.ts';
import type { ResolvedInput } from '../../runs/stage-executor.ts';
import { sha256Hex } from '../../runs/canonical-json.ts';
import { fileContentHash } from '../../runs/file-hash.ts';
import { resolveModel } from '../../model/registry.ts';
import { checkpointOutput } from '../../train/stage.ts';

export interface ResolvedEvalModel {
  label: string;
  source: EvalModelSource;
  /** Absolute folder of the model or checkpoint. */
  dir: string;
  /** Content identity: base model file hash, or `<train stage key>/<output>`. */
  identity: string;
  /** 'base' for a base model, else the train stage output used (main, best, last, epoch-N, step-N). */
  output: string;
}

/** sha256 over the model folder's config, tokenizer and weight files (name:sha256 per line). */
export async function baseModelIdentity(ws: Workspace, dir: string): Promise<string> {
  const parts: string[] = [];
  for (const f of fs.readdirSync(dir).sort()) {
    if (!/\.(json|safetensors|model)$/.test(f)) continue;
    parts.push(`${f}:${(await fileContentHash(ws, path.join(dir, f))).sha256}`);
  }
  return sha256Hex(parts.join('\n'));
}

export function describeSource(s: EvalModelSource): string {
  if (s.kind === 'base') return `base model "${s.name}"`;
  const c = s.checkpoint;
  const at = c === 'final' ? '' : `@${typeof c === 'string' ? c : 'epoch' in c ? `epoch ${c.epoch}` : `step ${c.step}`}`;
  return `train stage ${s.stage}${at}`;
}

/** Resolves every model of the stage; throws a message naming the model when one is missing. */
export async function resolveEvalModels(ws: Workspace, models: EvalModel[], inputs: ResolvedInput[]): Promise<ResolvedEvalModel[]> {
  const out: ResolvedEvalModel[] = [];
  for (const m of models) {
    const s = m.model;
    if (s.kind === 'base') {
      const dir = await resolveModel(s.name, ws);
      out.push({ label: m.label, source: s, dir, identity: `model:${await baseModelIdentity(ws, dir)}`, output: 'base' });
      continue;
    }
    const input = inputs.find((i) => i.role === 'model' && i.stage === s.stage);
    if (!input) throw new Error(`model ${m.label}: the eval has no input from train stage ${s.stage}`);
    const name = checkpointOutput(s.checkpoint);
    const o = input.outputs[name];
    if (!o) {
      const have = Object.keys(input.outputs).map((k) => (k === 'main' ? 'final' : k)).join(', ');
      throw new Error(`model ${m.label}: train stage ${s.stage} has no ${name === 'main' ? 'final' : name} checkpoint (it kept: ${have}; see keep_checkpoints)`);
    }
    out.push({ label: m.label, source: s, dir: o.path, identity: `train:${input.key}/${name}`, output: name });
  }
  return out;
}

/** Loads a resolved model for generation and teacher forcing (TensorFlow.js imported lazily). */
export async function loadEvalModel(m: ResolvedEvalModel) {
  const [{ loadTrainedModel }, { isCheckpoint, readCheckpointMeta }] = await Promise.all([import('../../train/load-trained.ts'), import('../../train/checkpoint.ts')]);
  const int8 = isCheckpoint(m.dir) && readCheckpointMeta(m.dir).lora?.base_precision === 'int8';
  return loadTrainedModel(m.dir, { merge: !int8 });
}
