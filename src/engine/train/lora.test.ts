import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.ts';
import { buildModel } from '../model/load.ts';
import { memoryWeights } from '../model/weights.ts';
import { PRESETS, randomTensors } from '../model/init.ts';
import type { CausalLM } from '../model/causal-lm.ts';
import { attachLora, peftName } from './lora.ts';
import { dequantizeColumns, dequantizeColumnsT, Int8Linear, quantizeColumns, quantizeModel, quantizeRows } from './quant.ts';
import { TrainableTokens, embeddingParam } from './tokens.ts';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function model(preset: 'stories260k' | 'gpt2-tiny', seed = 3): CausalLM {
  const cfg = PRESETS[preset].config;
  return buildModel(cfg, memoryWeights(new Map(randomTensors(cfg, seed).map((t) => [t.name, { shape: t.shape, data: t.data }]))));
}

const IDS = [[1, 5, 9, 200, 7, 33, 12, 2]];
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('LoRA layers', () => {
  it('start as the base model (B = 0), with A drawn as PEFT does: U(−1/√in, 1/√in), seeded', () => {
    const m = model('stories260k');
    const x = tf.tensor2d(IDS, [1, 8], 'int32');
    const before = m.forward(x);
    const ad = attachLora(m, { rank: 4, alpha: 8, dropout: 0.1, targets: ['q_proj', 'v_proj'] }, 7);
    expect(ad.layers.size).toBe(2 * m.config.numLayers);
    const q = ad.layers.get('model.layers.0.self_attn.q_proj')!;
    const a = q.a.dataSync();
    const bound = 1 / Math.sqrt(64);
    expect(Math.max(...Array.from(a).map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(a).map(Math.abs))).toBeGreaterThan(0.8 * bound);
    expect(Array.from(q.b.dataSync()).every((v) => v === 0)).toBe(true);
    ad.setTraining(false);
    expect(maxDiff(m.forward(x), before)).toBe(0);
    const again = attachLora(model('stories260k'), { rank: 4, alpha: 8, dropout: 0.1, targets: ['q_proj', 'v_proj'] }, 7);
    expect(Array.from(again.layers.get('model.layers.0.self_attn.q_proj')!.a.dataSync())).toEqual(Array.from(a));
    expect(() => attachLora(m, { rank: 2, alpha: 2, dropout: 0, targets: ['c_attn'] }, 1)).toThrow(/c_attn match no projection/);
  });

  it('merging folds (α/r)·A·B into the weights and gives the adapted model’s logits', () => {
    const m = model('stories260k');
    const ad = attachLora(m, { rank: 4, alpha: 8, dropout: 0, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] }, 1);
    for (const l of ad.layers.values()) l.b.assign(tf.randomNormal(l.b.shape, 0, 0.05, 'float32', 5));
    const x = tf.tensor2d(IDS, [1, 8], 'int32');
    const adapted = m.forward(x);
    ad.mergeAndDetach(m);
    expect([...m.linears.values()].every((l) => l.constructor.name === 'DenseLinear')).toBe(true);
    expect(maxDiff(m.forward(x), adapted)).toBeLessThan(1e-5);
  });

  it('round-trips through PEFT layouts: lora_A [r, in], lora_B [out, r]', async () => {
    const m = model('gpt2-tiny');
    const ad = attachLora(m, { rank: 2, alpha: 4, dropout: 0, targets: ['c_attn'] }, 1);
    for (const l of ad.layers.values()) l.b.assign(tf.randomNormal(l.b.shape, 0, 0.05, 'float32', 9));
    const tensors = await ad.peftTensors();
    const a = tensors.find((t) => t.name === peftName('transformer.h.0.attn.c_attn', 'A'))!;
    const b = tensors.find((t) => t.name === peftName('transformer.h.0.attn.c_attn', 'B'))!;
    expect(a.name).toBe('base_model.model.transformer.h.0.attn.c_attn.lora_A.weight');
    expect(a.shape).toEqual([2, 64]);
    expect(b.shape).toEqual([192, 2]);
    const x = tf.tensor2d(IDS, [1, 8], 'int32');
    const want = m.forward(x);
    const m2 = model('gpt2-tiny');
    const ad2 = attachLora(m2, { rank: 2, alpha: 4, dropout: 0, targets: ['c_attn'] }, 99);
    ad2.loadPeft(new Map(tensors.map((t) => [t.name, t])));
    expect(maxDiff(m2.forward(x), want)).toBe(0);
  });

  it('dropout acts on the adapter path only while training, from the seeded stream', () => {
    const m = model('stories260k');
    const ad = attachLora(m, { rank: 4, alpha: 8, dropout: 0.5, targets: ['q_proj'] }, 1);
    for (const l of ad.layers.values()) l.b.assign(tf.ones(l.b.shape));
    const x = tf.tensor2d(IDS, [1, 8], 'int32');
    ad.setTraining(false);
    const e1 = m.forward(x);
    const e2 = m.forward(x);
    expect(maxDiff(e1, e2)).toBe(0);
    ad.setTraining(true);
    const s0 = ad.rngState;
    const t1 = m.forward(x);
    ad.rngState = s0;
    const t2 = m.forward(x);
    expect(maxDiff(t1, t2)).toBe(0);
    expect(maxDiff(t1, e1)).toBeGreaterThan(1e-3);
  });
});

describe('INT8 weights', () => {
  it('quantise per output channel within half a step and dequantise in either layout', () => {
    const w = Float32Array.from({ length: 6 * 4 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 4)));
    const q = quantizeColumns(w, 6, 4);
    const d = dequantizeColumns(q);
    for (let i = 0; i < w.length; i++) expect(Math.abs(d[i] - w[i])).toBeLessThanOrEqual(q.scale[i % 4] / 2 + 1e-7);
    const dt = dequantizeColumnsT(q);
    for (let r = 0; r < 6; r++) for (let c = 0; c < 4; c++) expect(dt[c * 6 + r]).toBe(d[r * 4 + c]);
    const qr = quantizeRows(w, 6, 4);
    for (let r = 0; r < 6; r++) expect(qr.scale[r]).toBeCloseTo(Math.max(...Array.from(w.subarray(r * 4, r * 4 + 4)).map(Math.abs)) / 127, 7);
  });

  it('an Int8Linear computes x·W(dequantised) and its input gradient dy·Wᵀ', () => {
    const w = Float32Array.from({ length: 8 * 3 }, (_, i) => Math.cos(i) * 0.3);
    const q = quantizeColumns(w, 8, 3);
    const lin = new Int8Linear('t', q);
    const wd = tf.tensor2d(dequantizeColumns(q), [8, 3]);
    const x = tf.randomNormal([5, 8], 0, 1, 'float32', 1) as tf.Tensor2D;
    expect(maxDiff(lin.apply(x), tf.matMul(x, wd))).toBeLessThan(1e-6);
    const dy = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
    const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(lin.apply(xx as tf.Tensor2D), dy)))(x);
    expect(maxDiff(gx, tf.matMul(dy, wd, false, true))).toBeLessThan(1e-5);
  });

  it('quantizeModel holds every block projection in INT8 and reports the bytes saved', () => {
    const m = model('stories260k');
    const x = tf.tensor2d(IDS, [1, 8], 'int32');
    const ref = m.forward(x);
    const r = quantizeModel(m);
    const c = m.config;
    const perLayer = 64 * 64 + 64 * 32 * 2 + 64 * 64 + 3 * 64 * 172; // q, k, v (4 KV heads × 8), o, gate, up, down
    expect(c.numLayers * perLayer * 4).toBe(r.float32Bytes);
    expect(r.layers).toBe(7 * c.numLayers);
    expect(r.savedBytes).toBe(r.float32Bytes - r.int8Bytes);
    expect(r.int8Bytes).toBeLessThan(r.float32Bytes / 3.5);
    const out = m.forward(x);
    const diff = maxDiff(out, ref);
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(0.05);
  });
});

describe('trainable token rows', () => {
  it('train only the chosen embedding rows, as a PEFT delta, through the tied head and the lookup', () => {
    const m = model('stories260k');
    const { param, module } = embeddingParam(m);
    const before = param.variable.dataSync().slice();
    const t = new TrainableTokens(param, module, [2, 98]);
    expect(t.name).toBe('base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta');
    expect(t.delta.shape).toEqual([2, 64]);
    const x = tf.tensor2d(IDS, [1, 8], 'int32');
    const { grads } = tf.variableGrads(() => tf.sum(m.forward(x)) as tf.Scalar, [param.variable]);
    const g = t.gradient(grads[param.variable.name]);
    expect(g.shape).toEqual([2, 64]);
    t.load(Float32Array.from({ length: 128 }, (_, i) => (i < 64 ? 1 : -1)));
    const after = param.variable.dataSync();
    const v = 512;
    for (let d = 0; d < 64; d++) {
      expect(after[d * v + 2]).toBeCloseTo(before[d * v + 2] + 1, 6);
      expect(after[d * v + 98]).toBeCloseTo(before[d * v + 98] - 1, 6);
      expect(after[d * v + 3]).toBe(before[d * v + 3]);
    }
    t.dispose();
    expect(param.variable.trainable).toBe(false);
  });
});
