/**
 * AdamW (Loshchilov & Hutter; PyTorch's torch.optim.AdamW update, step for step) and gradient
 * clipping by global norm (torch.nn.utils.clip_grad_norm_).
 *
 *   m ← β1·m + (1−β1)·g            v ← β2·v + (1−β2)·g²
 *   p ← p·(1 − lr·wd)  −  lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)
 *
 * Weight decay is decoupled (applied to the weights, not added to the gradient) and only on
 * matrices (ndim ≥ 2: projections, embeddings, LoRA A/B), never on norm weights or biases —
 * nanoGPT's and Hugging Face Trainer's rule. Defaults β = (0.9, 0.999), ε = 1e-8 are PyTorch's
 * and HF Trainer's. Moments live in tf.Variables beside the parameters; `exportState` and
 * `importState` move them in and out of checkpoints (as `exp_avg.NAME` / `exp_avg_sq.NAME`,
 * PyTorch's state names).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorToWrite } from '../model/safetensors.ts';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const ADAMW_DEFAULTS: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

export interface OptimParam {
  /** Stable name (HF tensor name or PEFT adapter name): keys the state in checkpoints. */
  name: string;
  variable: tf.Variable;
}

interface Slot {
  p: OptimParam;
  m: tf.Variable;
  v: tf.Variable;
  decay: boolean;
}

/** Weight decay applies to matrices only (see the file comment). */
export function decays(v: tf.Variable): boolean {
  return v.rank >= 2;
}

export class AdamW {
  /** Updates applied so far (t in the bias corrections is step + 1 for the next update). */
  step = 0;
  private readonly slots: Slot[];

  constructor(
    params: OptimParam[],
    readonly cfg: AdamWConfig = ADAMW_DEFAULTS
  ) {
    const zeros = (v: tf.Variable) => {
      const z = tf.zerosLike(v);
      const out = tf.variable(z, false);
      z.dispose(); // tf.variable shares z's data; the variable keeps it alive
      return out;
    };
    this.slots = params.map((p) => ({ p, m: zeros(p.variable), v: zeros(p.variable), decay: decays(p.variable) }));
  }

  get params(): OptimParam[] {
    return this.slots.map((s) => s.p);
  }

  /** Names of the parameters that get weight decay (for the run's record). */
  decayedNames(): string[] {
    return this.slots.filter((s) => s.decay).map((s) => s.p.name);
  }

  /** One update with `grads` (by parameter name) at learning rate `lr`. */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    const { beta1, beta2, eps, weightDecay } = this.cfg;
    const t = this.step + 1;
    const bc1 = 1 - beta1 ** t;
    const bc2 = Math.sqrt(1 - beta2 ** t);
    for (const s of this.slots) {
      const g = grads.get(s.p.name);
      if (!g) continue;
      tf.tidy(() => {
        const m = tf.add(tf.mul(s.m, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(s.v, beta2), tf.mul(tf.square(g), 1 - beta2));
        const denom = tf.add(tf.div(tf.sqrt(v), bc2), eps);
        let p: tf.Tensor = s.p.variable;
        if (s.decay && weightDecay > 0) p = tf.mul(p, 1 - lr * weightDecay);
        p = tf.sub(p, tf.mul(tf.div(m, denom), lr / bc1));
        s.m.assign(m);
        s.v.assign(v);
        s.p.variable.assign(p);
      });
    }
    this.step = t;
  }

  async exportState(): Promise<TensorToWrite[]> {
    const out: TensorToWrite[] = [];
    for (const s of this.slots) {
      out.push({ name: `exp_avg.${s.p.name}`, shape: s.m.shape, data: new Float32Array((await s.m.data()) as Float32Array) });
      out.push({ name: `exp_avg_sq.${s.p.name}`, shape: s.v.shape, data: new Float32Array((await s.v.data()) as Float32Array) });
    }
    return out;
  }

  /** Restores moments saved by exportState; throws when a parameter's state is missing. */
  importState(tensors: Map<string, Float32Array>, step: number): void {
    for (const s of this.slots) {
      for (const [prefix, slot] of [['exp_avg', s.m], ['exp_avg_sq', s.v]] as const) {
        const data = tensors.get(`${prefix}.${s.p.name}`);
        if (!data) throw new Error(`optimizer state has no ${prefix}.${s.p.name}`);
        if (data.length !== slot.size) throw new Error(`optimizer state ${prefix}.${s.p.name} has ${data.length} values, expected ${slot.size}`);
        tf.tidy(() => slot.assign(tf.tensor(data, slot.shape)));
      }
    }
    this.step = step;
  }

  dispose(): void {
    for (const s of this.slots) {
      s.m.dispose();
      s.v.dispose();
    }
  }
}

/** √Σ‖g‖² over all gradients (one read-back). */
export function globalNorm(grads: Iterable<tf.Tensor>): number {
  const list = [...grads];
  if (!list.length) return 0;
  const sq = tf.tidy(() => tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g))))));
  const n = sq.dataSync()[0];
  sq.dispose();
  return n;
}

/**
 * Scales gradients so their global norm is at most `maxNorm` (PyTorch: coefficient
 * maxNorm / (norm + 1e-6), capped at 1). Replaces the map's tensors (disposing the old ones).
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, norm: number, maxNorm: number): boolean {
  const coef = maxNorm / (norm + 1e-6);
  if (!(coef < 1)) return false;
  for (const [k, g] of grads) {
    grads.set(k, tf.mul(g, coef));
    g.dispose();
  }
  return true;
}
