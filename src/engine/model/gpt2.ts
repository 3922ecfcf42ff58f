/**
 * The GPT-2 family in TensorFlow.js, Hugging Face conventions (GPT2LMHeadModel).
 *
 *   x = wte(ids) + wpe(positions)                    [N, D]      N = B·T
 *   for each layer:
 *     h = layernorm(x; ln_1)
 *     q, k, v = split(h·c_attn + b, 3)               c_attn: Conv1D [D, 3D] (HF stores [in, out])
 *     o = attention(q/√hd, k, v) (causal, H heads)   [N, D]
 *     x = x + o·attn.c_proj + b
 *     h = layernorm(x; ln_2)
 *     x = x + gelu_new(h·c_fc + b)·mlp.c_proj + b
 *   hidden = layernorm(x; ln_f)                      [N, D]
 *   logits = hidden · wteᵀ                           [N, V]   (tied; lm_head.weight is not stored)
 *
 * Checkpoints saved from GPT2LMHeadModel name tensors "transformer.…"; the original OpenAI
 * conversions ("gpt2" on the Hub) omit the prefix. Both load; parameters are named with it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Gpt2Config } from './config.ts';
import { BaseCausalLM, keyMaskFor, positionsFor, segmentStartsFor, type ForwardOptions } from './causal-lm.ts';
import { DenseLinear } from './linear.ts';
import { embedColumns, embedRows, geluExact, geluNew, layerNorm } from './ops.ts';
import { attention, buildMask, toHeads } from './attention.ts';
import type { WeightSource } from './weights.ts';
import { readParam } from './param-io.ts';
import { gpt2TensorSpecs, gpt2LayerPrefix as layerPrefix } from './specs.ts';

/** Causal-mask buffers of older checkpoints, recomputed here. */
const IGNORED = /\.attn\.(bias|masked_bias)$/;

/** Presents unprefixed OpenAI-style names ("h.0.attn…") under "transformer.…". */
function withPrefix(src: WeightSource): WeightSource {
  if (src.has('transformer.wte.weight') || !src.has('wte.weight')) return src;
  const strip = (n: string) => (n.startsWith('transformer.') ? n.slice('transformer.'.length) : n);
  return {
    names: () => src.names().map((n) => (n === 'lm_head.weight' ? n : `transformer.${n}`)),
    has: (n) => src.has(strip(n)),
    shape: (n) => src.shape(strip(n)),
    read: (n) => src.read(strip(n)),
    where: (n) => src.where(n && strip(n))
  };
}

// ─── Model ──────────────────────────────────────────────────────────────────────────────────

export class Gpt2Model extends BaseCausalLM {
  readonly arch = 'gpt2' as const;
  readonly unusedTensors: string[];

  constructor(
    readonly config: Gpt2Config,
    source: WeightSource
  ) {
    super();
    const src = withPrefix(source);
    const specs = gpt2TensorSpecs(config);
    for (const [name, spec] of specs) {
      const { value, transposed } = readParam(src, name, spec.shape, spec.transposed);
      this.addParam(name, value, spec.shape, transposed);
    }
    this.unusedTensors = src.names().filter((n) => !specs.has(n) && !IGNORED.test(n) && !(config.tieWordEmbeddings && n === 'lm_head.weight'));
    for (let i = 0; i < config.numLayers; i++) {
      const l = layerPrefix(i);
      for (const m of [`${l}.attn.c_attn`, `${l}.attn.c_proj`, `${l}.mlp.c_fc`, `${l}.mlp.c_proj`]) {
        this.linears.set(m, new DenseLinear(m, this.params.get(`${m}.weight`)!, this.params.get(`${m}.bias`)));
      }
    }
    if (!config.tieWordEmbeddings) this.linears.set('lm_head', new DenseLinear('lm_head', this.params.get('lm_head.weight')!));
  }

  headWeight(): tf.Tensor2D {
    return this.param(this.config.tieWordEmbeddings ? 'transformer.wte.weight' : 'lm_head.weight') as tf.Tensor2D;
  }

  hidden(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor2D {
    const c = this.config;
    const [b, t] = ids.shape;
    const n = b * t;
    const past = opts.cache?.length ?? 0;
    const h = c.numHeads;
    const hd = c.hiddenSize / h;
    const keyMask = keyMaskFor(opts, t);
    const starts = segmentStartsFor(opts, b, t); // packed rows only
    const pos = positionsFor(b, t, past, keyMask, starts);
    for (const p of pos) if (p >= c.maxPositions) throw new Error(`position ${p} is beyond n_positions (${c.maxPositions}) of this GPT-2 model`);
    const act = c.activation === 'gelu' ? geluExact : geluNew;
    const out = tf.tidy(() => {
      const posT = tf.tensor1d(pos, 'int32');
      const mask = buildMask(1, t, past, keyMask, starts);
      let x = tf.add(
        embedColumns(this.param('transformer.wte.weight') as tf.Tensor2D, tf.reshape(ids, [n]) as tf.Tensor1D),
        embedRows(this.param('transformer.wpe.weight') as tf.Tensor2D, posT)
      ) as tf.Tensor2D;
      const heads = (z: tf.Tensor) => toHeads(z, b, t, h, hd);
      for (let i = 0; i < c.numLayers; i++) {
        const l = layerPrefix(i);
        const scale = 1 / Math.sqrt(hd) / (c.scaleAttnByInverseLayerIdx ? i + 1 : 1);
        // ── attention ──
        const h1 = layerNorm(x, this.param(`${l}.ln_1.weight`) as tf.Tensor1D, this.param(`${l}.ln_1.bias`) as tf.Tensor1D, c.layerNormEps);
        const [q, k, v] = tf.split(this.lin(`${l}.attn.c_attn`, h1), 3, 1);
        let k3 = heads(k);
        let v3 = heads(v);
        if (opts.cache) ({ k: k3, v: v3 } = opts.cache.append(i, k3, v3));
        const o3 = attention(heads(tf.mul(q, scale)), k3, v3, mask, b, opts.attention);
        const o = tf.reshape(tf.transpose(tf.reshape(o3, [b, h, t, hd]), [0, 2, 1, 3]), [n, c.hiddenSize]) as tf.Tensor2D;
        x = tf.add(x, this.lin(`${l}.attn.c_proj`, o));
        // ── MLP ──
        const h2 = layerNorm(x, this.param(`${l}.ln_2.weight`) as tf.Tensor1D, this.param(`${l}.ln_2.bias`) as tf.Tensor1D, c.layerNormEps);
        x = tf.add(x, this.lin(`${l}.mlp.c_proj`, act(this.lin(`${l}.mlp.c_fc`, h2)) as tf.Tensor2D));
      }
      return layerNorm(x, this.param('transformer.ln_f.weight') as tf.Tensor1D, this.param('transformer.ln_f.bias') as tf.Tensor1D, c.layerNormEps);
    });
    opts.cache?.advance(t, keyMask);
    return out;
  }
}
