/**
 * The Llama family (Llama 2/3, TinyStories/llama2.c exports, SmolLM, TinyLlama; Qwen2-style
 * q/k/v biases; Mistral without a sliding window) in TensorFlow.js, Hugging Face conventions.
 *
 *   x = embed(ids)                                   [N, D]      N = B·T
 *   for each layer:
 *     h = rmsnorm(x) · input_layernorm
 *     q, k, v = h·Wq, h·Wk, h·Wv                     [N, H·hd], [N, Hkv·hd] ×2
 *     q, k = rope(q), rope(k)                        rotate_half, positions per row
 *     o = attention(q/√hd, k, v) (causal, GQA)       [N, H·hd]
 *     x = x + o·Wo
 *     h = rmsnorm(x) · post_attention_layernorm
 *     x = x + (silu(h·Wgate) ⊙ h·Wup)·Wdown
 *   hidden = rmsnorm(x) · model.norm                 [N, D]
 *   logits = hidden · Eᵀ (tied) or hidden · lm_head  [N, V]
 *
 * Weight files hold q_proj/k_proj rows in HF's rotate_half order (llama2.c exports permute them;
 * see models/README), so RoPE here pairs dimension i with i + hd/2.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LlamaConfig } from './config.ts';
import { BaseCausalLM, keyMaskFor, positionsFor, segmentStartsFor, type ForwardOptions } from './causal-lm.ts';
import { DenseLinear } from './linear.ts';
import { applyRope, embedColumns, rmsNorm, silu } from './ops.ts';
import { attention, buildMask, toHeads } from './attention.ts';
import { ropeInvFreq, ropeTables, rotateHalfMatrix } from './rope.ts';
import type { WeightSource } from './weights.ts';
import { readParam } from './param-io.ts';
import { llamaTensorSpecs, llamaLayerPrefix as layerPrefix, PROJ_ATTN, PROJ_MLP } from './specs.ts';

/** Buffers some checkpoints carry that are recomputed here. */
const IGNORED = /(^|\.)rotary_emb\.inv_freq$/;

// ─── Model ──────────────────────────────────────────────────────────────────────────────────

export class LlamaModel extends BaseCausalLM {
  readonly arch = 'llama' as const;
  /** Tensors present in the file that the model does not use (reported by the loader). */
  readonly unusedTensors: string[];
  private readonly invFreq: Float64Array;
  private cos: tf.Tensor2D | null = null;
  private sin: tf.Tensor2D | null = null;
  private rot: tf.Tensor2D;
  private rotT: tf.Tensor2D;

  constructor(
    readonly config: LlamaConfig,
    src: WeightSource
  ) {
    super();
    const specs = llamaTensorSpecs(config);
    for (const [name, spec] of specs) {
      const { value, transposed } = readParam(src, name, spec.shape, spec.transposed);
      this.addParam(name, value, spec.shape, transposed);
    }
    this.unusedTensors = src.names().filter((n) => !specs.has(n) && !IGNORED.test(n) && !(config.tieWordEmbeddings && n === 'lm_head.weight'));
    for (let i = 0; i < config.numLayers; i++) {
      const p = layerPrefix(i);
      for (const n of PROJ_ATTN) this.addLinear(`${p}.self_attn.${n}`);
      for (const n of PROJ_MLP) this.addLinear(`${p}.mlp.${n}`);
    }
    if (!config.tieWordEmbeddings) this.addLinear('lm_head');
    this.invFreq = ropeInvFreq(config.headDim, config.ropeTheta, config.ropeScaling);
    this.rot = tf.keep(tf.tensor2d(rotateHalfMatrix(config.headDim), [config.headDim, config.headDim]));
    this.rotT = tf.keep(tf.tensor2d(rotateHalfMatrix(config.headDim, true), [config.headDim, config.headDim]));
  }

  private addLinear(module: string): void {
    const w = this.params.get(`${module}.weight`)!;
    this.linears.set(module, new DenseLinear(module, w, this.params.get(`${module}.bias`)));
  }

  headWeight(): tf.Tensor2D {
    if (!this.config.tieWordEmbeddings) return this.param('lm_head.weight') as tf.Tensor2D;
    return this.param('model.embed_tokens.weight') as tf.Tensor2D;
  }

  /** cos/sin tables covering positions < n, grown by doubling (kept across calls). */
  private ropeRows(n: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
    if (!this.cos || this.cos.shape[0] < n) {
      let size = Math.max(this.cos?.shape[0] ?? 0, 256);
      while (size < n) size *= 2;
      const { cos, sin } = ropeTables(size, this.config.headDim, this.invFreq);
      this.cos?.dispose();
      this.sin?.dispose();
      this.cos = tf.keep(tf.tensor2d(cos, [size, this.config.headDim]));
      this.sin = tf.keep(tf.tensor2d(sin, [size, this.config.headDim]));
    }
    return { cos: this.cos, sin: this.sin! };
  }

  hidden(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor2D {
    const c = this.config;
    const [b, t] = ids.shape;
    const n = b * t;
    const past = opts.cache?.length ?? 0;
    const hkv = c.numKvHeads;
    const g = c.numHeads / hkv;
    const hd = c.headDim;
    const keyMask = keyMaskFor(opts, t);
    const starts = segmentStartsFor(opts, b, t); // packed rows only
    const pos = positionsFor(b, t, past, keyMask, starts);
    let maxPos = 0;
    for (const p of pos) maxPos = Math.max(maxPos, p);
    const tables = this.ropeRows(maxPos + 1);
    const out = tf.tidy(() => {
      const posT = tf.tensor1d(pos, 'int32');
      const cos = tf.gather(tables.cos, posT) as tf.Tensor2D; // [N, hd]
      const sin = tf.gather(tables.sin, posT) as tf.Tensor2D;
      const mask = buildMask(g, t, past, keyMask, starts);
      const scale = 1 / Math.sqrt(hd);
      let x = embedColumns(this.param('model.embed_tokens.weight') as tf.Tensor2D, tf.reshape(ids, [n]) as tf.Tensor1D); // [N, D]
      for (let i = 0; i < c.numLayers; i++) {
        const p = layerPrefix(i);
        // ── attention ──
        const h = rmsNorm(x, this.param(`${p}.input_layernorm.weight`) as tf.Tensor1D, c.rmsNormEps);
        const q = tf.mul(applyRope(this.lin(`${p}.self_attn.q_proj`, h), cos, sin, this.rot, this.rotT, c.numHeads), scale);
        const k = applyRope(this.lin(`${p}.self_attn.k_proj`, h), cos, sin, this.rot, this.rotT, hkv);
        const v = this.lin(`${p}.self_attn.v_proj`, h);
        const q3 = tf.reshape(tf.transpose(tf.reshape(q, [b, t, hkv, g, hd]), [0, 2, 3, 1, 4]), [b * hkv, g * t, hd]) as tf.Tensor3D;
        let k3 = toHeads(k, b, t, hkv, hd);
        let v3 = toHeads(v, b, t, hkv, hd);
        if (opts.cache) ({ k: k3, v: v3 } = opts.cache.append(i, k3, v3));
        const o3 = attention(q3, k3, v3, mask, b, opts.attention); // [B·Hkv, G·T, hd]
        const o = tf.reshape(tf.transpose(tf.reshape(o3, [b, hkv, g, t, hd]), [0, 3, 1, 2, 4]), [n, c.numHeads * hd]) as tf.Tensor2D;
        x = tf.add(x, this.lin(`${p}.self_attn.o_proj`, o));
        // ── MLP (SwiGLU) ──
        const h2 = rmsNorm(x, this.param(`${p}.post_attention_layernorm.weight`) as tf.Tensor1D, c.rmsNormEps);
        const gate = silu(this.lin(`${p}.mlp.gate_proj`, h2));
        const up = this.lin(`${p}.mlp.up_proj`, h2);
        x = tf.add(x, this.lin(`${p}.mlp.down_proj`, tf.mul(gate, up) as tf.Tensor2D));
      }
      return rmsNorm(x, this.param('model.norm.weight') as tf.Tensor1D, c.rmsNormEps);
    });
    opts.cache?.advance(t, keyMask);
    return out;
  }

  dispose(): void {
    super.dispose();
    this.cos?.dispose();
    this.sin?.dispose();
    this.rot.dispose();
    this.rotT.dispose();
  }
}
