/**
 * The PEFT adapter folder format (what peft's `save_pretrained` writes for a LoRA on a causal LM):
 *
 *   adapter_config.json         r, lora_alpha, lora_dropout, target_modules, base_model_name_or_path,
 *                               peft_type "LORA", task_type "CAUSAL_LM", bias "none", fan_in_fan_out
 *                               (true for GPT-2's Conv1D), and PEFT's other defaults
 *   adapter_model.safetensors   base_model.model.<module>.lora_A.weight [r, in],
 *                               base_model.model.<module>.lora_B.weight [out, r],
 *                               and with trainable_token_indices {embed_tokens: [ids]}:
 *                               base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta
 *                               [n, D] (rows in ascending id order; added to the frozen rows)
 *
 * Loadable with peft.PeftModel.from_pretrained(base, folder) and by tunebench (load-trained.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LoraAdapters, LoraSpec } from './lora.ts';
import { readSafetensors, tensorToF32, writeSafetensors } from '../model/safetensors.ts';
import { writeJsonAtomic } from '../util/atomic-write.ts';

export const ADAPTER_CONFIG = 'adapter_config.json';
export const ADAPTER_WEIGHTS = 'adapter_model.safetensors';

/** The embedding module's short name, as PEFT's trainable_token_indices keys it. */
function embeddingKey(arch: 'llama' | 'gpt2'): string {
  return arch === 'gpt2' ? 'wte' : 'embed_tokens';
}

export function adapterConfig(spec: LoraSpec, baseNameOrPath: string, arch: 'llama' | 'gpt2'): Record<string, unknown> {
  return {
    alpha_pattern: {},
    auto_mapping: null,
    base_model_name_or_path: baseNameOrPath,
    bias: 'none',
    fan_in_fan_out: arch === 'gpt2',
    inference_mode: true,
    init_lora_weights: true,
    layers_pattern: null,
    layers_to_transform: null,
    lora_alpha: spec.alpha,
    lora_dropout: spec.dropout,
    modules_to_save: null,
    peft_type: 'LORA',
    r: spec.rank,
    rank_pattern: {},
    revision: null,
    target_modules: [...spec.targets],
    task_type: 'CAUSAL_LM',
    trainable_token_indices: spec.trainableTokens?.length ? { [embeddingKey(arch)]: [...spec.trainableTokens].sort((a, b) => a - b) } : null,
    use_dora: false,
    use_rslora: false
  };
}

/** Writes adapter_config.json and adapter_model.safetensors into `dir`. */
export async function writeAdapter(dir: string, adapters: LoraAdapters, baseNameOrPath: string, arch: 'llama' | 'gpt2'): Promise<void> {
  await writeSafetensors(path.join(dir, ADAPTER_WEIGHTS), await adapters.peftTensors());
  await writeJsonAtomic(path.join(dir, ADAPTER_CONFIG), adapterConfig(adapters.spec, baseNameOrPath, arch));
}

export interface AdapterFolder {
  spec: LoraSpec;
  baseNameOrPath: string;
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
}

export function isAdapterFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, ADAPTER_CONFIG));
}

/** Reads a PEFT LoRA adapter folder; errors name the file and the field. */
export function readAdapter(dir: string): AdapterFolder {
  const cfgFile = path.join(dir, ADAPTER_CONFIG);
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${cfgFile}: ${fs.existsSync(cfgFile) ? `is not valid JSON (${(e as Error).message})` : 'is missing'}`);
  }
  if (cfg.peft_type !== 'LORA') throw new Error(`${cfgFile}: field 'peft_type' is ${JSON.stringify(cfg.peft_type)}; only LORA adapters are supported`);
  const need = (k: string, ok: (v: unknown) => boolean, what: string) => {
    if (!ok(cfg[k])) throw new Error(`${cfgFile}: field '${k}' must be ${what} (got ${JSON.stringify(cfg[k])})`);
    return cfg[k];
  };
  const rank = need('r', (v) => Number.isInteger(v) && (v as number) > 0, 'a positive integer') as number;
  const alpha = need('lora_alpha', (v) => typeof v === 'number' && v > 0, 'a positive number') as number;
  const targetsRaw = need('target_modules', (v) => Array.isArray(v) || typeof v === 'string', 'a list of module names') as string[] | string;
  if (cfg.use_rslora === true || cfg.use_dora === true) throw new Error(`${cfgFile}: rsLoRA and DoRA adapters are not supported`);
  const st = readSafetensors(path.join(dir, ADAPTER_WEIGHTS));
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, e] of st.entries) tensors.set(name, { shape: e.shape, data: tensorToF32(st, name) });
  const tti = cfg.trainable_token_indices;
  let trainableTokens: number[] | undefined;
  if (Array.isArray(tti)) trainableTokens = tti as number[];
  else if (tti && typeof tti === 'object') {
    const lists = Object.values(tti as Record<string, number[]>);
    if (lists.length > 1) throw new Error(`${cfgFile}: field 'trainable_token_indices' names ${lists.length} layers; only the token embedding is supported`);
    trainableTokens = lists[0];
  }
  if (trainableTokens && !trainableTokens.every((i) => Number.isInteger(i) && i >= 0)) throw new Error(`${cfgFile}: field 'trainable_token_indices' must list token ids`);
  return {
    spec: { rank, alpha, dropout: typeof cfg.lora_dropout === 'number' ? cfg.lora_dropout : 0, targets: Array.isArray(targetsRaw) ? targetsRaw : [targetsRaw], ...(trainableTokens?.length ? { trainableTokens } : {}) },
    baseNameOrPath: String(cfg.base_model_name_or_path ?? ''),
    tensors
  };
}
