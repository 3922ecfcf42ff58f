/**
 * LoRA (Hu et al., 2021) as PEFT implements it, on the model's named projections.
 *
 *   y = base(x) + (α/r) · (dropout(x) · A) · B        A [in, r], B [r, out]   (stored layout)
 *
 * - A starts as PEFT's kaiming_uniform_(a=√5) on its [r, in] weight, i.e. U(−1/√in, 1/√in); B
 *   starts at 0, so the adapted model equals the base at step 0. Drawn from the run's seeded
 *   'lora-init' stream.
 * - Dropout applies to the adapter's input path only (the base sees x), with the inverted
 *   scaling 1/(1−p), from the seeded 'dropout' stream; off while evaluating.
 * - PEFT stores lora_A.weight as [r, in] and lora_B.weight as [out, r] (nn.Linear layout);
 *   `peftTensors` transposes to that, `loadPeft` back.
 * - Targets are module-name suffixes (q_proj, …, c_attn), matched like PEFT's target_modules list.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM } from '../model/causal-lm.ts';
import { DenseLinear, linear, type Linear } from '../model/linear.ts';
import type { TensorToWrite } from '../model/safetensors.ts';
import { stream, type TrainRng } from './rng.ts';
import type { OptimParam } from './optimizer.ts';
import { embeddingParam, TrainableTokens } from './tokens.ts';

export interface LoraSpec {
  rank: number;
  alpha: number;
  dropout: number;
  targets: string[];
  /** Embedding rows trained beside the adapters (PEFT trainable_token_indices; see tokens.ts). */
  trainableTokens?: number[];
}

let nextId = 0;

export class LoraLinear implements Linear {
  /** Dropout is applied only while training. */
  training = true;
  constructor(
    readonly base: Linear,
    readonly a: tf.Variable,
    readonly b: tf.Variable,
    readonly scale: number,
    readonly dropout: number,
    private readonly rng: TrainRng
  ) {}

  get name(): string {
    return this.base.name;
  }
  get inFeatures(): number {
    return this.base.inFeatures;
  }
  get outFeatures(): number {
    return this.base.outFeatures;
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    const y = this.base.apply(x);
    const xin = this.training && this.dropout > 0 ? tf.mul(x, this.dropoutMask(x.shape[0], x.shape[1])) : x;
    const h = tf.mul(linear(xin as tf.Tensor2D, this.a as tf.Tensor2D), this.scale) as tf.Tensor2D; // [N, r]
    return tf.add(y, linear(h, this.b as tf.Tensor2D)) as tf.Tensor2D;
  }

  private dropoutMask(n: number, d: number): tf.Tensor2D {
    const keep = 1 - this.dropout;
    const m = new Float32Array(n * d);
    for (let i = 0; i < m.length; i++) m[i] = this.rng.next() < keep ? 1 / keep : 0;
    return tf.tensor2d(m, [n, d]);
  }
}

/** A trainable variable that owns its initial value (tf.variable shares it; dispose the original). */
function ownedVariable(init: tf.Tensor, name: string): tf.Variable {
  const v = tf.variable(init, true, name);
  init.dispose();
  return v;
}

/** Module names of `model` that a LoRA with these target suffixes adapts. */
export function matchTargets(model: CausalLM, targets: string[]): string[] {
  const names = [...model.linears.keys()].filter((n) => targets.some((t) => n === t || n.endsWith(`.${t}`)));
  const unmatched = targets.filter((t) => !names.some((n) => n === t || n.endsWith(`.${t}`)));
  if (unmatched.length) {
    const known = [...new Set([...model.linears.keys()].map((n) => n.split('.').pop()))].join(', ');
    throw new Error(`LoRA target${unmatched.length > 1 ? 's' : ''} ${unmatched.join(', ')} match no projection of this ${model.arch} model (its projections: ${known})`);
  }
  return names;
}

/** PEFT's tensor names for one adapted module. */
export function peftName(module: string, which: 'A' | 'B'): string {
  return `base_model.model.${module}.lora_${which}.weight`;
}

/** The adapters attached to one model. */
export class LoraAdapters {
  constructor(
    readonly spec: LoraSpec,
    readonly layers: Map<string, LoraLinear>,
    /** The dropout stream shared by the layers. */
    private readonly dropRng: TrainRng,
    /** Trained embedding rows, when the spec names any. */
    readonly tokens: TrainableTokens | null = null
  ) {}

  /** A and B of every layer, named by their PEFT names (optimizer and checkpoint keys). */
  params(): OptimParam[] {
    const out: OptimParam[] = [];
    for (const [m, l] of this.layers) out.push({ name: peftName(m, 'A'), variable: l.a }, { name: peftName(m, 'B'), variable: l.b });
    if (this.tokens) out.push(this.tokens.param());
    return out;
  }

  parameterCount(): number {
    let n = this.tokens?.delta.size ?? 0;
    for (const l of this.layers.values()) n += l.a.size + l.b.size;
    return n;
  }

  setTraining(on: boolean): void {
    for (const l of this.layers.values()) l.training = on;
  }

  /** Dropout stream state (checkpoints save it so a resumed run draws the same masks). */
  get rngState(): number {
    return this.dropRng.state;
  }
  set rngState(v: number) {
    this.dropRng.state = v;
  }

  /** Adapter tensors in PEFT layout: lora_A [r, in], lora_B [out, r]. */
  async peftTensors(): Promise<TensorToWrite[]> {
    const out: TensorToWrite[] = [];
    for (const [m, l] of this.layers) {
      for (const [which, v] of [['A', l.a], ['B', l.b]] as const) {
        const t = tf.transpose(v);
        out.push({ name: peftName(m, which), shape: t.shape, data: new Float32Array((await t.data()) as Float32Array) });
        t.dispose();
      }
    }
    if (this.tokens) out.push({ name: this.tokens.name, shape: this.tokens.delta.shape, data: new Float32Array((await this.tokens.delta.data()) as Float32Array) });
    return out;
  }

  /** Loads PEFT-layout tensors (from adapter_model.safetensors) into A and B. */
  loadPeft(tensors: Map<string, { shape: number[]; data: Float32Array }>): void {
    for (const [m, l] of this.layers) {
      for (const [which, v] of [['A', l.a], ['B', l.b]] as const) {
        const name = peftName(m, which);
        const t = tensors.get(name);
        if (!t) throw new Error(`adapter has no tensor ${name}`);
        const [r, c] = v.shape; // stored [c_peft, r_peft] transposed
        if (t.shape.length !== 2 || t.shape[0] !== c || t.shape[1] !== r) throw new Error(`adapter tensor ${name} has shape [${t.shape}], expected [${c}, ${r}]`);
        tf.tidy(() => v.assign(tf.transpose(tf.tensor2d(t.data, [c, r]))));
      }
    }
    if (this.tokens) {
      const t = tensors.get(this.tokens.name);
      if (!t) throw new Error(`adapter has no tensor ${this.tokens.name} (its config lists trainable tokens)`);
      this.tokens.load(t.data);
    }
  }

  /**
   * Folds every adapter into its base weight (W ← W + (α/r)·A·B) and puts the base projection
   * back; trained token rows are already in the embedding. Needs float32 dense bases (not INT8).
   */
  mergeAndDetach(model: CausalLM): void {
    for (const [m, l] of this.layers) {
      if (!(l.base instanceof DenseLinear)) throw new Error(`cannot merge the adapter of ${m}: its base is not a float32 dense projection`);
      const w = l.base.weight.variable;
      tf.tidy(() => w.assign(tf.add(w, tf.mul(tf.matMul(l.a, l.b), l.scale))));
      model.replaceLinear(m, l.base);
    }
    this.dispose();
  }

  dispose(): void {
    for (const l of this.layers.values()) {
      l.a.dispose();
      l.b.dispose();
    }
    this.layers.clear();
    this.tokens?.dispose();
  }
}

/**
 * Wraps the target projections of `model` in LoRA layers (trainable A and B; everything else
 * stays as it is — the caller freezes the base). Seeded: the same seed gives the same A.
 */
export function attachLora(model: CausalLM, spec: LoraSpec, seed: number): LoraAdapters {
  if (!(Number.isInteger(spec.rank) && spec.rank >= 1)) throw new Error(`LoRA rank must be a whole number >= 1 (got ${spec.rank})`);
  if (!(spec.dropout >= 0 && spec.dropout < 1)) throw new Error(`LoRA dropout must be in [0, 1) (got ${spec.dropout})`);
  const init = stream(seed, 'lora-init');
  const drop = stream(seed, 'dropout');
  const layers = new Map<string, LoraLinear>();
  const id = nextId++;
  for (const m of matchTargets(model, spec.targets)) {
    const base = model.linears.get(m)!;
    const bound = 1 / Math.sqrt(base.inFeatures);
    const a = new Float32Array(base.inFeatures * spec.rank);
    for (let i = 0; i < a.length; i++) a[i] = (2 * init.next() - 1) * bound;
    const av = ownedVariable(tf.tensor2d(a, [base.inFeatures, spec.rank]), `lora${id}/${m}.A`);
    const bv = ownedVariable(tf.zeros([spec.rank, base.outFeatures]), `lora${id}/${m}.B`);
    const layer = new LoraLinear(base, av, bv, spec.alpha / spec.rank, spec.dropout, drop);
    model.replaceLinear(m, layer);
    layers.set(m, layer);
  }
  let tokens: TrainableTokens | null = null;
  if (spec.trainableTokens?.length) {
    const { param, module } = embeddingParam(model);
    tokens = new TrainableTokens(param, module, [...spec.trainableTokens].sort((x, y) => x - y));
  }
  return new LoraAdapters(spec, layers, drop, tokens);
}
