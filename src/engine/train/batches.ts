/**
 * Batches: which examples go into which optimizer step, and the padded id matrices.
 *
 * An epoch's plan is a list of steps; a step is `grad_accum` micro-batches; a micro-batch is rows;
 * a row is one example, or several when packed. The plan depends only on (examples, options,
 * seed, epoch), so a resumed run rebuilds it and skips the steps already taken.
 *
 *   padded    the epoch's shuffled order, batch_size examples per step
 *   bucketed  the shuffled order cut into windows of 64 steps; each window sorted by length and cut
 *             into steps (less padding); then the steps are shuffled
 *   packed    the shuffled examples concatenated into rows of at most max_length tokens (greedy,
 *             in order; an example never straddles two rows); batch_size rows per step. Packing
 *             is only an efficiency choice: a row carries a segment id per position, attention
 *             is causal within each example only and positions restart at 0 for each example
 *             (Hugging Face's padding-free packing with position_ids; not llama2.c / TRL's
 *             attention across examples), so every example's logits, loss and gradients are
 *             those of the example trained alone
 *
 * Rows are right-padded (pad id, never counted). With causal attention a real token never sees a
 * pad that follows it, so a row of one example needs no mask and plain positions 0..T−1; the
 * micro-batch has segments only when some row holds several examples (bucketed and padded
 * batches never do, and run exactly as before).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardOptions } from '../model/causal-lm.ts';
import type { Example } from './data.ts';
import { shuffleInPlace, stream } from './rng.ts';

export type Batching = 'bucketed' | 'packed' | 'padded';


export interface BatchOptions {
  batching: Batching;
  /** Examples (packed: rows) per optimizer step. */
  batchSize: number;
  gradAccum: number;
  maxLength: number;
  seed: number;
}

/** Example indices: step → micro-batch → row → examples in that row. */
export type EpochPlan = number[][][][];

const BUCKET_WINDOW_STEPS = 64;

function chunk<T>(a: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < a.length; i += n) out.push(a.slice(i, i + n));
  return out;
}

/** Splits a step's rows into `k` micro-batches as evenly as possible (none empty). */
function micro<T>(rows: T[], k: number): T[][] {
  const parts = Math.max(1, Math.min(k, rows.length));
  const size = Math.ceil(rows.length / parts);
  return chunk(rows, size);
}

function packRows(order: number[], examples: Example[], maxLength: number): number[][] {
  const rows: number[][] = [];
  let cur: number[] = [];
  let used = 0;
  for (const i of order) {
    const len = examples[i].ids.length;
    if (cur.length && used + len > maxLength) {
      rows.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(i);
    used += len;
  }
  if (cur.length) rows.push(cur);
  return rows;
}

/** The plan of epoch `epoch` (0-based). */
export function planEpoch(examples: Example[], o: BatchOptions, epoch: number): EpochPlan {
  const rng = stream(o.seed, `data-order/${epoch}`);
  const order = shuffleInPlace(examples.map((_, i) => i), rng);
  let rows: number[][];
  let steps: number[][][];
  if (o.batching === 'packed') {
    rows = packRows(order, examples, o.maxLength);
    steps = chunk(rows, o.batchSize);
  } else if (o.batching === 'bucketed') {
    steps = [];
    for (const window of chunk(order, o.batchSize * BUCKET_WINDOW_STEPS)) {
      window.sort((a, b) => examples[a].ids.length - examples[b].ids.length || a - b);
      steps.push(...chunk(window.map((i) => [i]), o.batchSize));
    }
    shuffleInPlace(steps, rng);
  } else {
    steps = chunk(order.map((i) => [i]), o.batchSize);
  }
  return steps.map((s) => micro(s, o.gradAccum));
}

/** One micro-batch ready for the model. */
export interface MicroBatch {
  rows: number;
  width: number;
  /** Row-major [rows, width]. */
  ids: Int32Array;
  /** Per position: the next token (target) and whether it counts. */
  targets: Int32Array;
  counted: Uint8Array;
  targetCount: number;
  /** Real (non-pad) tokens. */
  tokens: number;
  /**
   * Row-major [rows, width]: the example's index in its row, per position (the pads after them one
   * more), for the model's `segments` option. Null when no row holds more than one example.
   */
  segments: Int32Array | null;
}

/** Builds the padded matrices of one micro-batch (rows of example indices). */
export function buildMicroBatch(examples: Example[], rows: number[][], padId: number): MicroBatch {
  const lens = rows.map((r) => r.reduce((n, i) => n + examples[i].ids.length, 0));
  const width = Math.max(1, ...lens);
  const n = rows.length * width;
  const ids = new Int32Array(n).fill(padId);
  const targets = new Int32Array(n);
  const counted = new Uint8Array(n);
  const segments = rows.some((r) => r.length > 1) ? new Int32Array(n) : null;
  let targetCount = 0;
  let tokens = 0;
  rows.forEach((row, r) => {
    let at = r * width;
    // Pads form a segment of their own after the row's examples.
    segments?.fill(row.length, r * width, (r + 1) * width);
    row.forEach((i, k) => {
      const ex = examples[i];
      ids.set(ex.ids, at);
      segments?.fill(k, at, at + ex.ids.length);
      // Position t predicts ids[t + 1] of the same example when that token is a target.
      for (let t = 0; t + 1 < ex.ids.length; t++) {
        if (!ex.mask[t + 1]) continue;
        targets[at + t] = ex.ids[t + 1];
        counted[at + t] = 1;
        targetCount++;
      }
      at += ex.ids.length;
      tokens += ex.ids.length;
    });
  });
  return { rows: rows.length, width, ids, targets, counted, targetCount, tokens, segments };
}

/** The ids as a [rows, width] int32 tensor (the caller disposes it). */
export function idsTensor(b: MicroBatch): tf.Tensor2D {
  return tf.tensor2d(b.ids, [b.rows, b.width], 'int32');
}

/** The model's forward options for this micro-batch: segments for packed rows, else none. */
export function forwardOptions(b: MicroBatch): ForwardOptions | undefined {
  return b.segments ? { segments: b.segments } : undefined;
}

/** Loss weights: 1/denominator on counted positions (a token mean over the whole step). */
export function lossWeights(b: MicroBatch, denominator: number): Float32Array {
  const w = new Float32Array(b.counted.length);
  const v = 1 / Math.max(1, denominator);
  for (let i = 0; i < w.length; i++) if (b.counted[i]) w[i] = v;
  return w;
}
