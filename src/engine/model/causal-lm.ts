/**
 * The model interface every architecture implements, and the parts they share: the parameter
 * map, the named projections (LoRA attaches here), position bookkeeping and the output head.
 *
 * Parameters are tf.Variables named by their Hugging Face tensor names. Layout differences from
 * the safetensors file are recorded per parameter (`Param.transposed`):
 *   - Llama projections and lm_head: stored [in, out] (HF: [out, in]);
 *   - GPT-2 Conv1D projections: [in, out] already in HF, stored as is;
 *   - token embeddings (model.embed_tokens / transformer.wte): stored [D, V] (HF: [V, D]) so the
 *     tied output head is a plain matMul;
 *   - norms, biases, GPT-2 position embeddings: as in HF.
 * All parameters start frozen (trainable = false); a trainer marks what it trains.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './config.ts';
import { linear, type Linear, type Param } from './linear.ts';
import type { AttentionStrategy } from './attention.ts';
import { KvCache } from './kv-cache.ts';

export interface ForwardOptions {
  /** Decode incrementally: ids are appended after the cached positions and the cache is updated. */
  cache?: KvCache;
  /** Per sequence, 1 = real token and 0 = padding, over cached + new positions (left padding). */
  attentionMask?: number[][];
  /** Attention kernel strategy; default: per-head on WASM, batched elsewhere. */
  attention?: AttentionStrategy;
  /**
   * Packed rows (teacher-forced training only; no cache, no attentionMask): a segment id per
   * position, row-major [B, T]. Consecutive positions with the same id form one segment (one
   * example); attention stays inside a segment (causal and block-diagonal) and positions restart
   * at 0 at each segment's start, so every example sees exactly what it would see alone.
   */
  segments?: Int32Array;
}

export interface CausalLM {
  readonly arch: 'llama' | 'gpt2';
  readonly config: ModelConfig;
  /** Every parameter by Hugging Face tensor name. */
  readonly params: ReadonlyMap<string, Param>;
  /** Every projection by Hugging Face module name (q_proj, …, c_attn, …; lm_head when untied). */
  readonly linears: ReadonlyMap<string, Linear>;
  /** Replaces a projection (LoRA wrapper, INT8 base). The replacement must keep in/out sizes. */
  replaceLinear(name: string, layer: Linear): void;
  /** Hidden states after the final norm: ids [B, T] int32 → [B·T, D]. */
  hidden(ids: tf.Tensor2D, opts?: ForwardOptions): tf.Tensor2D;
  /** The output head's weight as [D, V] (the token embedding when tied). */
  headWeight(): tf.Tensor2D;
  /** Output projection: [N, D] → logits [N, V]. */
  logits(hidden: tf.Tensor2D): tf.Tensor2D;
  /** hidden + logits: ids [B, T] → logits [B, T, V]. */
  forward(ids: tf.Tensor2D, opts?: ForwardOptions): tf.Tensor3D;
  newCache(batch: number): KvCache;
  /** Sets trainable on the parameters whose names pass `filter` (and clears it on the others). */
  setTrainable(filter: (name: string) => boolean): void;
  /** Variables with trainable = true (pass them to tf.variableGrads). */
  trainableVariables(): tf.Variable[];
  /** Number of scalar parameters. */
  parameterCount(): number;
  dispose(): void;
}

let nextModelId = 0;

/** Shared state and helpers; each architecture extends this and implements `hidden`. */
export abstract class BaseCausalLM implements CausalLM {
  abstract readonly arch: 'llama' | 'gpt2';
  abstract readonly config: ModelConfig;
  readonly params = new Map<string, Param>();
  readonly linears = new Map<string, Linear>();
  /** Unique prefix for tf.Variable names (tfjs requires globally unique variable names). */
  protected readonly uid = `m${nextModelId++}`;

  abstract hidden(ids: tf.Tensor2D, opts?: ForwardOptions): tf.Tensor2D;
  abstract headWeight(): tf.Tensor2D;

  /** Creates a frozen variable from HF data (already in stored layout). */
  protected addParam(name: string, value: tf.Tensor, hfShape: number[], transposed: boolean): Param {
    if (this.params.has(name)) throw new Error(`duplicate parameter ${name}`);
    const variable = tf.variable(value, false, `${this.uid}/${name}`);
    value.dispose();
    const p: Param = { name, variable, hfShape, transposed };
    this.params.set(name, p);
    return p;
  }

  protected param(name: string): tf.Variable {
    const p = this.params.get(name);
    if (!p) throw new Error(`model has no parameter ${name}`);
    return p.variable;
  }

  protected lin(name: string, x: tf.Tensor2D): tf.Tensor2D {
    const l = this.linears.get(name);
    if (!l) throw new Error(`model has no projection ${name}`);
    return l.apply(x);
  }

  replaceLinear(name: string, layer: Linear): void {
    const old = this.linears.get(name);
    if (!old) throw new Error(`model has no projection ${name} (known: ${[...this.linears.keys()].slice(0, 8).join(', ')}, …)`);
    if (old.inFeatures !== layer.inFeatures || old.outFeatures !== layer.outFeatures) {
      throw new Error(`replacement for ${name} is ${layer.inFeatures}→${layer.outFeatures}, expected ${old.inFeatures}→${old.outFeatures}`);
    }
    this.linears.set(name, layer);
  }

  logits(hidden: tf.Tensor2D): tf.Tensor2D {
    const head = this.linears.get('lm_head');
    return head ? head.apply(hidden) : linear(hidden, this.headWeight());
  }

  forward(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const [b, t] = ids.shape;
    return tf.tidy(() => tf.reshape(this.logits(this.hidden(ids, opts)), [b, t, -1]) as tf.Tensor3D);
  }

  newCache(batch: number): KvCache {
    return new KvCache(this.config.numLayers, batch);
  }

  setTrainable(filter: (name: string) => boolean): void {
    for (const p of this.params.values()) p.variable.trainable = filter(p.name);
  }

  trainableVariables(): tf.Variable[] {
    return [...this.params.values()].filter((p) => p.variable.trainable).map((p) => p.variable);
  }

  parameterCount(): number {
    let n = 0;
    for (const p of this.params.values()) n += p.variable.size;
    return n;
  }

  dispose(): void {
    for (const p of this.params.values()) p.variable.dispose();
    this.params.clear();
    this.linears.clear();
  }
}

/**
 * Key mask and positions for a forward call. With a mask, positions count real tokens only
 * (HF: cumsum(mask) - 1, pads at 0), so left-padded rows see the same positions as unpadded ones.
 */
export function positionsFor(batch: number, queryLen: number, past: number, keyMask: number[][] | undefined, starts?: Int32Array): Int32Array {
  const pos = new Int32Array(batch * queryLen);
  if (starts) {
    // Packed rows: the offset inside the position's own segment.
    for (let i = 0; i < pos.length; i++) pos[i] = (i % queryLen) - starts[i];
    return pos;
  }
  for (let b = 0; b < batch; b++) {
    if (!keyMask) {
      for (let t = 0; t < queryLen; t++) pos[b * queryLen + t] = past + t;
      continue;
    }
    let seen = 0;
    const row = keyMask[b];
    for (let j = 0; j < past + queryLen; j++) {
      if (row[j]) seen++;
      if (j >= past) pos[b * queryLen + (j - past)] = row[j] ? seen - 1 : 0;
    }
  }
  return pos;
}

/**
 * For packed rows (`opts.segments`): per position, the index in its row where its segment starts
 * (row-major [B, T]); undefined without segments. A segment is a run of equal ids.
 */
export function segmentStartsFor(opts: ForwardOptions, batch: number, len: number): Int32Array | undefined {
  const seg = opts.segments;
  if (!seg) return undefined;
  if (opts.cache || opts.attentionMask) throw new Error('segments (packed rows) are for teacher-forced forward passes only: not with a KV cache or an attention mask');
  if (seg.length !== batch * len) throw new Error(`segments has ${seg.length} entries, expected ${batch} rows × ${len} positions`);
  const starts = new Int32Array(seg.length);
  for (let b = 0; b < batch; b++) {
    const row = b * len;
    let start = 0;
    for (let t = 0; t < len; t++) {
      if (t > 0 && seg[row + t] !== seg[row + t - 1]) start = t;
      starts[row + t] = start;
    }
  }
  return starts;
}

/** The key mask for this call: explicit, or the cache's extended by the new positions. */
export function keyMaskFor(opts: ForwardOptions, queryLen: number): number[][] | undefined {
  if (opts.attentionMask) return opts.attentionMask;
  const m = opts.cache?.keyMask;
  return m ? m.map((r) => [...r, ...new Array(queryLen).fill(1)]) : undefined;
}
