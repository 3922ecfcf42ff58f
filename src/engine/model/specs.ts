/**
 * The Hugging Face tensors each architecture expects for a config: name → HF shape and whether
 * the model stores the tensor transposed (see causal-lm.ts). No TensorFlow.js here, so the
 * registry can count parameters without loading the tensor library.
 */
import type { Gpt2Config, LlamaConfig, ModelConfig } from './config.ts';

export interface TensorSpec {
  shape: number[];
  transposed: boolean;
}

// ─── Llama ──────────────────────────────────────────────────────────────────────────────────

export const PROJ_ATTN = ['q_proj', 'k_proj', 'v_proj', 'o_proj'] as const;
export const PROJ_MLP = ['gate_proj', 'up_proj', 'down_proj'] as const;

export const LLAMA_LORA_TARGETS = [...PROJ_ATTN, ...PROJ_MLP];

export const llamaLayerPrefix = (i: number) => `model.layers.${i}`;

/** Expected HF tensors: name → [HF shape, stored transposed?]. */
export function llamaTensorSpecs(c: LlamaConfig): Map<string, TensorSpec> {
  const m = new Map<string, TensorSpec>();
  const { hiddenSize: d, headDim: hd, numHeads: h, numKvHeads: hkv, intermediateSize: f, vocabSize: v } = c;
  m.set('model.embed_tokens.weight', { shape: [v, d], transposed: true });
  for (let i = 0; i < c.numLayers; i++) {
    const p = llamaLayerPrefix(i);
    m.set(`${p}.input_layernorm.weight`, { shape: [d], transposed: false });
    m.set(`${p}.post_attention_layernorm.weight`, { shape: [d], transposed: false });
    const out: Record<string, number> = { q_proj: h * hd, k_proj: hkv * hd, v_proj: hkv * hd };
    for (const n of ['q_proj', 'k_proj', 'v_proj'] as const) {
      m.set(`${p}.self_attn.${n}.weight`, { shape: [out[n], d], transposed: true });
      if (c.attentionBias) m.set(`${p}.self_attn.${n}.bias`, { shape: [out[n]], transposed: false });
    }
    m.set(`${p}.self_attn.o_proj.weight`, { shape: [d, h * hd], transposed: true });
    if (c.attentionBias && c.modelType !== 'qwen2') m.set(`${p}.self_attn.o_proj.bias`, { shape: [d], transposed: false });
    m.set(`${p}.mlp.gate_proj.weight`, { shape: [f, d], transposed: true });
    m.set(`${p}.mlp.up_proj.weight`, { shape: [f, d], transposed: true });
    m.set(`${p}.mlp.down_proj.weight`, { shape: [d, f], transposed: true });
    if (c.mlpBias) {
      m.set(`${p}.mlp.gate_proj.bias`, { shape: [f], transposed: false });
      m.set(`${p}.mlp.up_proj.bias`, { shape: [f], transposed: false });
      m.set(`${p}.mlp.down_proj.bias`, { shape: [d], transposed: false });
    }
  }
  m.set('model.norm.weight', { shape: [d], transposed: false });
  if (!c.tieWordEmbeddings) m.set('lm_head.weight', { shape: [v, d], transposed: true });
  return m;
}

// ─── GPT-2 ──────────────────────────────────────────────────────────────────────────────────

export const GPT2_LORA_TARGETS = ['c_attn', 'c_proj', 'c_fc'];

export const gpt2LayerPrefix = (i: number) => `transformer.h.${i}`;

export function gpt2TensorSpecs(c: Gpt2Config): Map<string, TensorSpec> {
  const m = new Map<string, TensorSpec>();
  const { hiddenSize: d, intermediateSize: f, vocabSize: v, maxPositions: p } = c;
  const put = (name: string, shape: number[], transposed = false) => m.set(name, { shape, transposed });
  put('transformer.wte.weight', [v, d], true);
  put('transformer.wpe.weight', [p, d]);
  for (let i = 0; i < c.numLayers; i++) {
    const l = gpt2LayerPrefix(i);
    put(`${l}.ln_1.weight`, [d]);
    put(`${l}.ln_1.bias`, [d]);
    put(`${l}.attn.c_attn.weight`, [d, 3 * d]);
    put(`${l}.attn.c_attn.bias`, [3 * d]);
    put(`${l}.attn.c_proj.weight`, [d, d]);
    put(`${l}.attn.c_proj.bias`, [d]);
    put(`${l}.ln_2.weight`, [d]);
    put(`${l}.ln_2.bias`, [d]);
    put(`${l}.mlp.c_fc.weight`, [d, f]);
    put(`${l}.mlp.c_fc.bias`, [f]);
    put(`${l}.mlp.c_proj.weight`, [f, d]);
    put(`${l}.mlp.c_proj.bias`, [d]);
  }
  put('transformer.ln_f.weight', [d]);
  put('transformer.ln_f.bias', [d]);
  if (!c.tieWordEmbeddings) put('lm_head.weight', [v, d], true);
  return m;
}

export function tensorSpecs(c: ModelConfig): Map<string, TensorSpec> {
  return c.arch === 'llama' ? llamaTensorSpecs(c) : gpt2TensorSpecs(c);
}

/** Parameter count from the config alone. */
export function countParameters(c: ModelConfig): number {
  let n = 0;
  for (const s of tensorSpecs(c).values()) n += s.shape.reduce((a, b) => a * b, 1);
  return n;
}
