/**
 * config.json of a Hugging Face model folder → a typed, validated ModelConfig.
 *
 * Two families are supported: Llama (model_type "llama"; also the Llama-shaped "mistral" without a
 * sliding window and "qwen2", which only adds q/k/v biases) and GPT-2 (model_type "gpt2"). Every
 * error names the file and the field. Field defaults follow transformers' LlamaConfig / GPT2Config.
 */

export type RopeScaling =
  | { type: 'linear'; factor: number }
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number };

interface CommonConfig {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  /** Longest sequence the position encoding covers. */
  maxPositions: number;
  tieWordEmbeddings: boolean;
  bosTokenId: number | null;
  /** One or more ids that end generation. */
  eosTokenIds: number[];
  padTokenId: number | null;
}

export interface LlamaConfig extends CommonConfig {
  arch: 'llama';
  modelType: string;
  intermediateSize: number;
  numKvHeads: number;
  headDim: number;
  ropeTheta: number;
  ropeScaling: RopeScaling | null;
  rmsNormEps: number;
  attentionBias: boolean;
  mlpBias: boolean;
}

export interface Gpt2Config extends CommonConfig {
  arch: 'gpt2';
  modelType: 'gpt2';
  /** n_inner, default 4 × n_embd. */
  intermediateSize: number;
  layerNormEps: number;
  activation: 'gelu_new' | 'gelu';
  scaleAttnByInverseLayerIdx: boolean;
}

export type ModelConfig = LlamaConfig | Gpt2Config;

export class ConfigError extends Error {
  constructor(readonly file: string, readonly field: string | null, message: string) {
    super(`${file}: ${field ? `field '${field}' ` : ''}${message}`);
    this.name = 'ConfigError';
  }
}

type Json = Record<string, unknown>;

function reader(raw: Json, file: string) {
  const has = (k: string) => raw[k] !== undefined && raw[k] !== null;
  const int = (k: string, fallback?: number, min = 1): number => {
    const v = has(k) ? raw[k] : fallback;
    if (v === undefined) throw new ConfigError(file, k, 'is missing');
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ConfigError(file, k, `must be an integer >= ${min} (got ${JSON.stringify(v)})`);
    return v;
  };
  const num = (k: string, fallback?: number): number => {
    const v = has(k) ? raw[k] : fallback;
    if (v === undefined) throw new ConfigError(file, k, 'is missing');
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ConfigError(file, k, `must be a positive number (got ${JSON.stringify(v)})`);
    return v;
  };
  const bool = (k: string, fallback: boolean): boolean => {
    const v = has(k) ? raw[k] : fallback;
    if (typeof v !== 'boolean') throw new ConfigError(file, k, `must be true or false (got ${JSON.stringify(v)})`);
    return v;
  };
  const tokenId = (k: string): number | null => {
    if (!has(k)) return null;
    const v = raw[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ConfigError(file, k, `must be a token id (got ${JSON.stringify(v)})`);
    return v;
  };
  const tokenIds = (k: string): number[] => {
    if (!has(k)) return [];
    const v = raw[k];
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) throw new ConfigError(file, k, `must be a token id or a list of ids (got ${JSON.stringify(v)})`);
    return list as number[];
  };
  return { has, int, num, bool, tokenId, tokenIds };
}

function parseRopeScaling(raw: unknown, file: string, maxPositions: number): RopeScaling | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(file, 'rope_scaling', `must be an object or null (got ${JSON.stringify(raw)})`);
  const r = raw as Json;
  // transformers reads `rope_type`, and falls back to the older key `type`.
  const type = (r.rope_type ?? r.type) as unknown;
  const factor = (k: string, fallback?: number) => {
    const v = r[k] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ConfigError(file, `rope_scaling.${k}`, `must be a positive number (got ${JSON.stringify(v)})`);
    return v;
  };
  if (type === 'default') return null;
  if (type === 'linear') return { type: 'linear', factor: factor('factor') };
  if (type === 'llama3') {
    return {
      type: 'llama3',
      factor: factor('factor'),
      lowFreqFactor: factor('low_freq_factor', 1),
      highFreqFactor: factor('high_freq_factor', 4),
      originalMaxPositionEmbeddings: factor('original_max_position_embeddings', maxPositions)
    };
  }
  throw new ConfigError(file, 'rope_scaling', `type ${JSON.stringify(type)} is not supported (supported: "linear", "llama3"); other RoPE variants (dynamic, yarn, longrope) would silently give wrong logits`);
}

const LLAMA_TYPES = new Set(['llama', 'mistral', 'qwen2']);

function parseLlama(raw: Json, file: string, modelType: string): LlamaConfig {
  const r = reader(raw, file);
  if (r.has('hidden_act') && raw.hidden_act !== 'silu') throw new ConfigError(file, 'hidden_act', `must be "silu" for the Llama family (got ${JSON.stringify(raw.hidden_act)})`);
  const window = raw.sliding_window;
  if (modelType === 'mistral' && typeof window === 'number' && window < Number(raw.max_position_embeddings ?? Infinity)) {
    throw new ConfigError(file, 'sliding_window', `sliding-window attention (${window}) is not supported`);
  }
  if (modelType === 'qwen2' && raw.use_sliding_window === true) throw new ConfigError(file, 'use_sliding_window', 'sliding-window attention is not supported');
  const hiddenSize = r.int('hidden_size');
  const numHeads = r.int('num_attention_heads');
  const numKvHeads = r.int('num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) throw new ConfigError(file, 'num_key_value_heads', `(${numKvHeads}) must divide num_attention_heads (${numHeads})`);
  const headDim = r.int('head_dim', hiddenSize / numHeads);
  if (headDim % 2 !== 0) throw new ConfigError(file, 'head_dim', `must be even for rotary embeddings (got ${headDim})`);
  const maxPositions = r.int('max_position_embeddings', 2048);
  return {
    arch: 'llama',
    modelType,
    vocabSize: r.int('vocab_size', 32000),
    hiddenSize,
    intermediateSize: r.int('intermediate_size'),
    numLayers: r.int('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    maxPositions,
    ropeTheta: r.num('rope_theta', 10000),
    ropeScaling: parseRopeScaling(raw.rope_scaling, file, maxPositions),
    rmsNormEps: r.num('rms_norm_eps', 1e-6),
    tieWordEmbeddings: r.bool('tie_word_embeddings', false),
    attentionBias: r.bool('attention_bias', modelType === 'qwen2'),
    mlpBias: r.bool('mlp_bias', false),
    bosTokenId: r.tokenId('bos_token_id'),
    eosTokenIds: r.tokenIds('eos_token_id'),
    padTokenId: r.tokenId('pad_token_id')
  };
}

function parseGpt2(raw: Json, file: string): Gpt2Config {
  const r = reader(raw, file);
  const act = (raw.activation_function ?? 'gelu_new') as string;
  const activation = act === 'gelu_new' || act === 'gelu_pytorch_tanh' ? 'gelu_new' : act === 'gelu' ? 'gelu' : null;
  if (!activation) throw new ConfigError(file, 'activation_function', `${JSON.stringify(act)} is not supported (supported: gelu_new, gelu_pytorch_tanh, gelu)`);
  // reorder_and_upcast_attn only changes float16 numerics; in float32 it is the same computation.
  if (raw.scale_attn_weights === false) throw new ConfigError(file, 'scale_attn_weights', 'false is not supported');
  const hiddenSize = r.int('n_embd', 768);
  const numHeads = r.int('n_head', 12);
  if (hiddenSize % numHeads !== 0) throw new ConfigError(file, 'n_head', `(${numHeads}) must divide n_embd (${hiddenSize})`);
  return {
    arch: 'gpt2',
    modelType: 'gpt2',
    vocabSize: r.int('vocab_size', 50257),
    hiddenSize,
    intermediateSize: r.has('n_inner') ? r.int('n_inner') : 4 * hiddenSize,
    numLayers: r.int('n_layer', 12),
    numHeads,
    maxPositions: r.int('n_positions', 1024),
    layerNormEps: r.num('layer_norm_epsilon', 1e-5),
    activation,
    scaleAttnByInverseLayerIdx: r.bool('scale_attn_by_inverse_layer_idx', false),
    // GPT2LMHeadModel always ties lm_head to wte unless the config says otherwise.
    tieWordEmbeddings: r.bool('tie_word_embeddings', true),
    bosTokenId: r.tokenId('bos_token_id'),
    eosTokenIds: r.tokenIds('eos_token_id'),
    padTokenId: r.tokenId('pad_token_id')
  };
}

/** Validates a parsed config.json. `file` is used in error messages. */
export function parseModelConfig(raw: unknown, file = 'config.json'): ModelConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(file, null, 'is not a JSON object');
  const j = raw as Json;
  const archs = Array.isArray(j.architectures) ? (j.architectures as string[]) : [];
  let modelType = typeof j.model_type === 'string' ? j.model_type : '';
  if (!modelType) {
    if (archs.some((a) => /^Llama/.test(a))) modelType = 'llama';
    else if (archs.some((a) => /^GPT2/.test(a))) modelType = 'gpt2';
  }
  if (LLAMA_TYPES.has(modelType)) return parseLlama(j, file, modelType);
  if (modelType === 'gpt2') return parseGpt2(j, file);
  throw new ConfigError(file, 'model_type', `${JSON.stringify(j.model_type ?? null)} is not supported (supported: llama, mistral, qwen2, gpt2)`);
}

/** The config.json object Hugging Face would write for `c` (used by models init and export). */
export function configToJson(c: ModelConfig): Record<string, unknown> {
  const eos = c.eosTokenIds.length === 1 ? c.eosTokenIds[0] : c.eosTokenIds.length ? c.eosTokenIds : null;
  if (c.arch === 'gpt2') {
    return {
      architectures: ['GPT2LMHeadModel'],
      model_type: 'gpt2',
      vocab_size: c.vocabSize,
      n_embd: c.hiddenSize,
      n_layer: c.numLayers,
      n_head: c.numHeads,
      n_inner: c.intermediateSize,
      n_positions: c.maxPositions,
      layer_norm_epsilon: c.layerNormEps,
      activation_function: c.activation,
      scale_attn_by_inverse_layer_idx: c.scaleAttnByInverseLayerIdx,
      tie_word_embeddings: c.tieWordEmbeddings,
      bos_token_id: c.bosTokenId,
      eos_token_id: eos,
      torch_dtype: 'float32'
    };
  }
  const rope =
    c.ropeScaling === null
      ? null
      : c.ropeScaling.type === 'linear'
        ? { rope_type: 'linear', factor: c.ropeScaling.factor }
        : {
            rope_type: 'llama3',
            factor: c.ropeScaling.factor,
            low_freq_factor: c.ropeScaling.lowFreqFactor,
            high_freq_factor: c.ropeScaling.highFreqFactor,
            original_max_position_embeddings: c.ropeScaling.originalMaxPositionEmbeddings
          };
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: c.modelType,
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    intermediate_size: c.intermediateSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    num_key_value_heads: c.numKvHeads,
    head_dim: c.headDim,
    hidden_act: 'silu',
    max_position_embeddings: c.maxPositions,
    rope_theta: c.ropeTheta,
    rope_scaling: rope,
    rms_norm_eps: c.rmsNormEps,
    tie_word_embeddings: c.tieWordEmbeddings,
    attention_bias: c.attentionBias,
    mlp_bias: c.mlpBias,
    bos_token_id: c.bosTokenId,
    eos_token_id: eos,
    torch_dtype: 'float32'
  };
}
