/**
 * Trainable token rows beside LoRA — PEFT's `trainable_token_indices`: the embedding rows of a few
 * tokens are trained (as a delta on the frozen rows) while the rest of the embedding stays frozen.
 *
 * Why: a base model that never produced a token has an embedding row that its hidden states
 * never learned to point at. TinyStories-260K never emitted </s> (its stories end with the next
 * <s>) nor most byte-fallback tokens (<0x5F> for '_' …); with the tied embedding frozen, LoRA on
 * every projection — even full-rank updates of every projection — still cannot make it end a
 * turn or write an underscore after 300 steps (measured on banking77; training those rows fixes
 * both within 60 steps). So LoRA here also trains, by default, the rows of the special and
 * byte-fallback tokens that occur as training targets (see `defaultTrainableTokens`): a handful
 * of rows, bounded by the vocabulary's special and byte tokens.
 *
 * How: the embedding variable is marked trainable so the model's backward computes its gradient
 * (embedding lookup and tied head); the step keeps only the chosen columns (stored layout [D, V])
 * as the gradient of `delta` [n, D] (PEFT's trainable_tokens_delta layout) and writes the updated
 * rows back: E[:, ids] = E0[:, ids] + deltaᵀ (as the change since the last write, so E0 need not
 * be kept). Disposing leaves the trained rows in E: the model is then the merged one.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM } from '../model/causal-lm.ts';
import type { Param } from '../model/linear.ts';
import type { TextTokenizer } from '../model/tokenizer.ts';
import type { Example } from './data.ts';
import type { OptimParam } from './optimizer.ts';

/** PEFT's tensor name for the delta of `embeddingModule` (e.g. model.embed_tokens). */
export function tokenDeltaName(embeddingModule: string): string {
  return `base_model.model.${embeddingModule}.token_adapter.trainable_tokens_delta`;
}

/** The token embedding parameter and its module name. */
export function embeddingParam(model: CausalLM): { param: Param; module: string } {
  const name = model.arch === 'gpt2' ? 'transformer.wte.weight' : 'model.embed_tokens.weight';
  const param = model.params.get(name);
  if (!param) throw new Error(`model has no token embedding ${name}`);
  return { param, module: name.replace(/\.weight$/, '') };
}

const BYTE_TOKEN = /^<0x[0-9A-Fa-f]{2}>$/;

/** Special and byte-fallback tokens that occur as training targets, ascending. */
export function defaultTrainableTokens(tokenizer: TextTokenizer, examples: Example[]): number[] {
  const seen = new Set<number>();
  for (const e of examples) for (let t = 1; t < e.ids.length; t++) if (e.mask[t]) seen.add(e.ids[t]);
  return [...seen].filter((id) => tokenizer.specialIds.has(id) || BYTE_TOKEN.test(tokenizer.idToToken(id) ?? '')).sort((a, b) => a - b);
}

export class TrainableTokens {
  /** [n, D], PEFT layout; starts at 0 (the model equals its base). */
  readonly delta: tf.Variable;
  private readonly indices: tf.Tensor2D; // [D·n, 2] (row d, column id) pairs, d-major
  private applied: tf.Tensor2D; // deltaᵀ currently written into E, [D, n]

  constructor(
    readonly embedding: Param,
    readonly module: string,
    readonly ids: number[]
  ) {
    const e = embedding.variable;
    if (!embedding.transposed) throw new Error(`${embedding.name}: expected the [D, V] stored layout`);
    const [d] = e.shape;
    const n = ids.length;
    const idx = new Int32Array(d * n * 2);
    for (let r = 0; r < d; r++) for (let j = 0; j < n; j++) idx.set([r, ids[j]], (r * n + j) * 2);
    this.indices = tf.keep(tf.tensor2d(idx, [d * n, 2], 'int32'));
    const z = tf.zeros([n, d]);
    this.delta = tf.variable(z, false, `${e.name}/trainable_tokens_delta`);
    z.dispose();
    this.applied = tf.keep(tf.zeros([d, n]));
    e.trainable = true; // the backward pass computes dE; `gradient` keeps our columns
  }

  get name(): string {
    return tokenDeltaName(this.module);
  }

  param(): OptimParam {
    return { name: this.name, variable: this.delta };
  }

  /** The delta's gradient [n, D] from the embedding's [D, V] gradient. */
  gradient(dE: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.transpose(tf.gather(dE, tf.tensor1d(this.ids, 'int32'), 1)));
  }

  /** Writes E0 + deltaᵀ into the embedding's columns (after each optimizer update or a load). */
  sync(): void {
    const e = this.embedding.variable;
    const next = tf.tidy(() => tf.transpose(this.delta) as tf.Tensor2D);
    tf.tidy(() => {
      const change = tf.reshape(tf.sub(next, this.applied), [-1]);
      e.assign(tf.add(e, tf.scatterND(this.indices, change, e.shape)));
    });
    this.applied.dispose();
    this.applied = next;
  }

  /** Loads a delta saved in PEFT layout. */
  load(data: Float32Array): void {
    const [n, d] = this.delta.shape;
    if (data.length !== n * d) throw new Error(`${this.name} has ${data.length} values, expected ${n}×${d}`);
    tf.tidy(() => this.delta.assign(tf.tensor2d(data, [n, d])));
    this.sync();
  }

  /** Freezes the embedding again; the trained rows stay in it (merged). */
  dispose(): void {
    this.embedding.variable.trainable = false;
    tf.dispose([this.indices, this.applied, this.delta]);
  }
}
