/**
 * The hand-written gradients against numerical gradients of plain float64 JavaScript versions of
 * the same formulas; whole models: both attention strategies agree and a directional finite
 * difference matches; and the same gradients come out of the WASM backend (no UnsortedSegmentSum,
 * slow transposed matMuls: everything must route around them) as out of the CPU backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../train/backend.ts';
import { linear } from './linear.ts';
import { applyRope, embedColumns, embedRows, geluExact, geluNew, layerNorm, rmsNorm, silu } from './ops.ts';
import { attention, buildMask } from './attention.ts';
import { rotateHalfMatrix } from './rope.ts';
import { headCrossEntropy } from './loss.ts';
import { randomTensors } from './init.ts';
import { buildModel } from './load.ts';
import { memoryWeights } from './weights.ts';
import type { LlamaConfig, Gpt2Config } from './config.ts';
import type { CausalLM } from './causal-lm.ts';

// ─── float64 references ─────────────────────────────────────────────────────────────────────

type Arr = Float64Array;

function seeded(n: number, seed: number, scale = 1): Arr {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** Central-difference gradient of f with respect to each array in xs. */
function numGrad(f: (xs: Arr[]) => number, xs: Arr[], h = 1e-6): Arr[] {
  return xs.map((x) =>
    x.map((v, i) => {
      x[i] = v + h;
      const up = f(xs);
      x[i] = v - h;
      const down = f(xs);
      x[i] = v;
      return (up - down) / (2 * h);
    })
  );
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function expectClose(ours: ArrayLike<number>, ref: ArrayLike<number>, tol = 2e-3): void {
  expect(ours.length).toBe(ref.length);
  let scale = 1e-3;
  for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]));
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ours[i] - ref[i]));
  expect(m / scale).toBeLessThan(tol);
}

const f32 = (a: Arr, shape: number[]) => tf.tensor(Float32Array.from(a), shape);

function refMatMul(a: Arr, b: Arr, n: number, k: number, m: number): Arr {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let p = 0; p < k; p++) out[i * m + j] += a[i * k + p] * b[p * m + j];
  return out;
}

function refSoftmaxRows(s: Arr, rows: number, cols: number): Arr {
  const out = new Float64Array(s.length);
  for (let r = 0; r < rows; r++) {
    let mx = -Infinity;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, s[r * cols + c]);
    let z = 0;
    for (let c = 0; c < cols; c++) z += Math.exp(s[r * cols + c] - mx);
    for (let c = 0; c < cols; c++) out[r * cols + c] = Math.exp(s[r * cols + c] - mx) / z;
  }
  return out;
}

// ─── models ─────────────────────────────────────────────────────────────────────────────────

const tinyLlama: LlamaConfig = {
  arch: 'llama', modelType: 'llama', vocabSize: 50, hiddenSize: 16, intermediateSize: 24, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 4,
  maxPositions: 32, ropeTheta: 10000, ropeScaling: null, rmsNormEps: 1e-5, tieWordEmbeddings: true, attentionBias: false, mlpBias: false, bosTokenId: 1, eosTokenIds: [2], padTokenId: null
};
const tinyGpt2: Gpt2Config = {
  arch: 'gpt2', modelType: 'gpt2', vocabSize: 40, hiddenSize: 16, intermediateSize: 32, numLayers: 2, numHeads: 2, maxPositions: 32, layerNormEps: 1e-5,
  activation: 'gelu_new', scaleAttnByInverseLayerIdx: false, tieWordEmbeddings: true, bosTokenId: 0, eosTokenIds: [0], padTokenId: null
};

/** A random model with larger weights than init (gradients far from zero), all trainable. */
function randomModel(config: LlamaConfig | Gpt2Config): CausalLM {
  const tensors = randomTensors(config, 3).map((t) => ({ ...t, data: t.name.includes('norm') || t.name.includes('ln_') ? t.data : t.data.map((v) => v * 20) }));
  const m = buildModel(config, memoryWeights(new Map(tensors.map((t) => [t.name, { shape: t.shape, data: t.data }]))));
  m.setTrainable(() => true);
  return m;
}

const ids = [
  [1, 5, 9, 9, 3, 7],
  [4, 4, 8, 2, 11, 6]
];

function modelLoss(m: CausalLM, strategy: 'per-head' | 'batched'): tf.Scalar {
  const b = ids.length;
  const t = ids[0].length;
  const h = m.hidden(tf.tensor2d(ids, [b, t], 'int32'), { attention: strategy });
  const targets = new Int32Array(b * t);
  const weights = new Float32Array(b * t);
  ids.forEach((row, i) => row.forEach((_, j) => { if (j + 1 < t) { targets[i * t + j] = row[j + 1]; weights[i * t + j] = 1 / (b * (t - 1)); } }));
  return headCrossEntropy(m, h, targets, weights, { chunkRows: 4, gradMode: 'eager' });
}

/** Our gradients of Σ op(inputs)·R with respect to every input (as trainable variables). */
function ourGrads(op: (xs: tf.Tensor[]) => tf.Tensor, inputs: { data: Arr; shape: number[] }[], r: Arr): Float32Array[] {
  const vars = inputs.map((x) => tf.variable(f32(x.data, x.shape), true));
  const { grads } = tf.variableGrads(() => {
    const y = op(vars);
    return tf.sum(tf.mul(y, tf.tensor(Float32Array.from(r), y.shape))) as tf.Scalar;
  }, vars);
  return vars.map((v) => grads[v.name].dataSync() as Float32Array);
}

describe('hand-written gradients match float64 numerical gradients (cpu backend)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('linear: x, W and b', () => {
    const [n, i, o] = [5, 4, 3];
    const x = seeded(n * i, 1), w = seeded(i * o, 2), b = seeded(o, 3), r = seeded(n * o, 4);
    const f = ([xx, ww, bb]: Arr[]) => dot(refMatMul(xx, ww, n, i, o).map((v, k) => v + bb[k % o]), r);
    const ours = ourGrads(([xx, ww, bb]) => linear(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), [{ data: x, shape: [n, i] }, { data: w, shape: [i, o] }, { data: b, shape: [o] }], r);
    numGrad(f, [x, w, b]).forEach((g, k) => expectClose(ours[k], g));
  });

  it('rope: rotate_half by matMul, gradient by the transpose', () => {
    const [n, heads, hd] = [3, 2, 4];
    const half = hd / 2;
    const x = seeded(n * heads * hd, 5), cos = seeded(n * hd, 6), sin = seeded(n * hd, 7), r = seeded(n * heads * hd, 8);
    const f = ([xx]: Arr[]) => {
      const y = new Float64Array(xx.length);
      for (let p = 0; p < n; p++) for (let h = 0; h < heads; h++) for (let j = 0; j < hd; j++) {
        const at = (p * heads + h) * hd;
        const rot = j < half ? -xx[at + j + half] : xx[at + j - half];
        y[at + j] = xx[at + j] * cos[p * hd + j] + rot * sin[p * hd + j];
      }
      return dot(y, r);
    };
    const R = tf.tensor2d(rotateHalfMatrix(hd), [hd, hd]);
    const RT = tf.tensor2d(rotateHalfMatrix(hd, true), [hd, hd]);
    const ours = ourGrads(([xx]) => applyRope(xx as tf.Tensor2D, f32(cos, [n, hd]) as tf.Tensor2D, f32(sin, [n, hd]) as tf.Tensor2D, R, RT, heads), [{ data: x, shape: [n, heads * hd] }], r);
    expectClose(ours[0], numGrad(f, [x])[0]);
  });

  for (const strategy of ['per-head', 'batched'] as const) {
    it(`attention (${strategy}): q, k, v with grouped rows and left padding`, () => {
      const [b, hkv, g, t, hd] = [2, 2, 2, 4, 3];
      const rows = g * t;
      const n = b * hkv;
      const q = seeded(n * rows * hd, 9), k = seeded(n * t * hd, 10), v = seeded(n * t * hd, 11), r = seeded(n * rows * hd, 12);
      const keyMask = [[1, 1, 1, 1], [0, 1, 1, 1]];
      // The pad query (batch 1, t = 0) sees no key; like a loss mask, give its output no weight.
      for (let i = hkv; i < n; i++) for (let gg = 0; gg < g; gg++) r.fill(0, (i * rows + gg * t) * hd, (i * rows + gg * t + 1) * hd);
      const f = ([qq, kk, vv]: Arr[]) => {
        let s = 0;
        for (let i = 0; i < n; i++) {
          const bi = Math.floor(i / hkv);
          const sc = new Float64Array(rows * t);
          for (let a = 0; a < rows; a++) for (let c = 0; c < t; c++) {
            const tq = a % t;
            let z = 0;
            for (let d = 0; d < hd; d++) z += qq[(i * rows + a) * hd + d] * kk[(i * t + c) * hd + d];
            // float32 drops z next to -1e9, so a masked score is exactly -1e9
            sc[a * t + c] = c > tq || !keyMask[bi][c] ? -1e9 : z;
          }
          const p = refSoftmaxRows(sc, rows, t);
          for (let a = 0; a < rows; a++) for (let d = 0; d < hd; d++) {
            let o = 0;
            for (let c = 0; c < t; c++) o += p[a * t + c] * vv[(i * t + c) * hd + d];
            s += o * r[(i * rows + a) * hd + d];
          }
        }
        return s;
      };
      const mask = buildMask(g, t, 0, keyMask);
      const ours = ourGrads(([qq, kk, vv]) => attention(qq as tf.Tensor3D, kk as tf.Tensor3D, vv as tf.Tensor3D, mask, b, strategy), [{ data: q, shape: [n, rows, hd] }, { data: k, shape: [n, t, hd] }, { data: v, shape: [n, t, hd] }], r);
      numGrad(f, [q, k, v]).forEach((gr, i) => expectClose(ours[i], gr));
    });
  }

  it('norms and activations', () => {
    const [n, d] = [3, 5];
    const x = seeded(n * d, 13, 2), w = seeded(d, 14), b = seeded(d, 15), r = seeded(n * d, 16);
    const rows = (xx: Arr, fn: (row: Arr) => Arr) => {
      const out = new Float64Array(xx.length);
      for (let i = 0; i < n; i++) out.set(fn(xx.subarray(i * d, (i + 1) * d)), i * d);
      return out;
    };
    const rms = ([xx, ww]: Arr[]) => dot(rows(xx, (row) => { const ms = dot(row, row) / d; return row.map((v, j) => (v / Math.sqrt(ms + 1e-5)) * ww[j]); }), r);
    const ln = ([xx, gg, bb]: Arr[]) => dot(rows(xx, (row) => { const mu = row.reduce((s, v) => s + v, 0) / d; const va = row.reduce((s, v) => s + (v - mu) ** 2, 0) / d; return row.map((v, j) => ((v - mu) / Math.sqrt(va + 1e-5)) * gg[j] + bb[j]); }), r);
    const erf = (z: number) => { const t = 1 / (1 + 0.5 * Math.abs(z)); const y = 1 - t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))); return z >= 0 ? y : -y; };
    const act = (fn: (v: number) => number) => ([xx]: Arr[]) => dot(xx.map(fn), r);
    const cases: [string, (xs: Arr[]) => number, (ts: tf.Tensor[]) => tf.Tensor, { data: Arr; shape: number[] }[]][] = [
      ['rmsNorm', rms, ([xx, ww]) => rmsNorm(xx as tf.Tensor2D, ww as tf.Tensor1D, 1e-5), [{ data: x, shape: [n, d] }, { data: w, shape: [d] }]],
      ['layerNorm', ln, ([xx, gg, bb]) => layerNorm(xx as tf.Tensor2D, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5), [{ data: x, shape: [n, d] }, { data: w, shape: [d] }, { data: b, shape: [d] }]],
      ['silu', act((v) => v / (1 + Math.exp(-v))), ([xx]) => silu(xx), [{ data: x, shape: [n, d] }]],
      ['gelu_new', act((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))), ([xx]) => geluNew(xx), [{ data: x, shape: [n, d] }]],
      ['gelu', act((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))), ([xx]) => geluExact(xx), [{ data: x, shape: [n, d] }]]
    ];
    for (const [, ref, op, inputs] of cases) {
      const ours = ourGrads(op, inputs, r);
      numGrad(ref, inputs.map((i) => i.data), 1e-5).forEach((g, i) => expectClose(ours[i], g, 5e-3));
    }
  });

  it('embedding lookups: ScatterNd gradients with repeated ids', () => {
    const idList = [3, 1, 3, 0, 3];
    const [rowsN, d] = [4, 6];
    const table = seeded(rowsN * d, 17), r = seeded(idList.length * d, 18);
    const idT = tf.tensor1d(idList, 'int32');
    const byRows = ([t]: Arr[]) => idList.reduce((s, id, j) => s + dot(t.subarray(id * d, (id + 1) * d), r.subarray(j * d, (j + 1) * d)), 0);
    expectClose(ourGrads(([t]) => embedRows(t as tf.Tensor2D, idT), [{ data: table, shape: [rowsN, d] }], r)[0], numGrad(byRows, [table])[0]);
    // tableT [D, V]: column id holds the embedding
    const tableT = seeded(d * rowsN, 19);
    const byCols = ([t]: Arr[]) => idList.reduce((s, id, j) => { let z = 0; for (let k = 0; k < d; k++) z += t[k * rowsN + id] * r[j * d + k]; return s + z; }, 0);
    expectClose(ourGrads(([t]) => embedColumns(t as tf.Tensor2D, idT), [{ data: tableT, shape: [d, rowsN] }], r)[0], numGrad(byCols, [tableT])[0]);
  });

  for (const gradMode of ['eager', 'recompute'] as const) {
    it(`fused head cross-entropy (${gradMode}): hidden and head weight, zero-weight rows skipped`, () => {
      const m = randomModel(tinyLlama);
      const head = m.headWeight() as tf.Variable;
      const [n, d, v] = [7, tinyLlama.hiddenSize, tinyLlama.vocabSize];
      const h = seeded(n * d, 20);
      const w0 = Float64Array.from(head.dataSync());
      const targets = Int32Array.from([3, 9, 0, 49, 12, 12, 5]);
      const weights = Float32Array.from([0.2, 0, 0.3, 0.1, 0, 0.25, 0.15]);
      const f = ([hh, ww]: Arr[]) => {
        const logits = refMatMul(hh, ww, n, d, v);
        let s = 0;
        for (let i = 0; i < n; i++) {
          if (!weights[i]) continue;
          const row = logits.subarray(i * v, (i + 1) * v);
          const mx = Math.max(...row);
          const lse = mx + Math.log(row.reduce((z, x) => z + Math.exp(x - mx), 0));
          s += weights[i] * (lse - row[targets[i]]);
        }
        return s;
      };
      const hv = tf.variable(f32(h, [n, d]), true);
      const stats = { loss: 0, correct: 0, counted: 0 };
      const { value, grads } = tf.variableGrads(() => headCrossEntropy(m, hv as unknown as tf.Tensor2D, targets, weights, { chunkRows: 2, gradMode, stats }), [hv, head]);
      const [gh, gw] = numGrad(f, [h, w0]);
      expect(Math.abs(value.dataSync()[0] - f([h, w0]))).toBeLessThan(1e-5);
      expect(stats.counted).toBe(5);
      expectClose(grads[hv.name].dataSync(), gh);
      expectClose(grads[head.name].dataSync(), gw);
      m.dispose();
    });
  }

  for (const config of [tinyLlama, tinyGpt2]) {
    it(`${config.arch}: whole-model gradients agree across attention strategies and with a finite difference`, () => {
      const m = randomModel(config);
      const vars = m.trainableVariables();
      const per = tf.variableGrads(() => modelLoss(m, 'per-head'), vars);
      const bat = tf.variableGrads(() => modelLoss(m, 'batched'), vars);
      for (const v of vars) expectClose(per.grads[v.name].dataSync(), bat.grads[v.name].dataSync(), 1e-3);
      // Directional derivative along a random direction u: (L(θ+εu) − L(θ−εu)) / 2ε ≈ ⟨∇L, u⟩.
      const eps = 1e-3;
      const dirs = vars.map((v, i) => f32(seeded(v.size, 100 + i), v.shape));
      const along = vars.reduce((s, v, i) => s + dot(per.grads[v.name].dataSync(), dirs[i].dataSync()), 0);
      const saved = vars.map((v) => v.clone());
      const at = (sign: number) => {
        vars.forEach((v, i) => v.assign(tf.add(saved[i], tf.mul(dirs[i], sign * eps))));
        return modelLoss(m, 'batched').dataSync()[0];
      };
      const fd = (at(1) - at(-1)) / (2 * eps);
      vars.forEach((v, i) => v.assign(saved[i]));
      expect(Math.abs(fd - along) / Math.max(1, Math.abs(along))).toBeLessThan(2e-2);
      m.dispose();
    });
  }
});

describe('whole-model gradients on WASM equal the CPU backend', () => {
  for (const config of [tinyLlama, tinyGpt2]) {
    it(`${config.arch}`, async () => {
      const run = async (backend: 'cpu' | 'wasm') => {
        await initBackend({ backend, threads: 1 });
        const m = randomModel(config);
        const vars = m.trainableVariables();
        modelLoss(m, 'batched').dispose(); // warm-up: RoPE tables are built (and kept) on first use
        const before = tf.memory().numTensors;
        const { value, grads } = tf.variableGrads(() => modelLoss(m, backend === 'wasm' ? 'per-head' : 'batched'), vars);
        const out = { loss: value.dataSync()[0], grads: new Map(vars.map((v) => [v.name.split('/').slice(1).join('/'), grads[v.name].dataSync() as Float32Array])) };
        tf.dispose([value, ...Object.values(grads)]);
        // Nothing of the step survives it: saved activations are released by backprop.
        expect(tf.memory().numTensors).toBe(before);
        m.dispose();
        return out;
      };
      const cpu = await run('cpu');
      const wasm = await run('wasm');
      expect(Math.abs(cpu.loss - wasm.loss)).toBeLessThan(1e-4);
      expect(wasm.grads.size).toBe(cpu.grads.size);
      for (const [name, g] of cpu.grads) expectClose(wasm.grads.get(name)!, g, 1e-3);
    });
  }
});
