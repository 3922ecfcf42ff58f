/**
 * One optimizer step: forward and backward over the step's micro-batches (gradients summed —
 * each micro-batch's loss is weighted by 1 / the step's target-token count, so the sum is the
 * token mean over the whole step, whatever the split), clipping by global norm, one AdamW update.
 * Every tensor made here is disposed before returning; only parameters and optimizer moments
 * change.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM } from '../model/causal-lm.ts';
import { headCrossEntropy, type LossStats } from '../model/loss.ts';
import type { Example } from './data.ts';
import { buildMicroBatch, forwardOptions, idsTensor, lossWeights } from './batches.ts';
import { clipByGlobalNorm, globalNorm, type AdamW, type OptimParam } from './optimizer.ts';
import type { TrainableTokens } from './tokens.ts';

export interface StepStats {
  /** Token-mean loss over the step's target tokens. */
  loss: number;
  /** Share of target tokens predicted right (argmax). */
  tokenAccuracy: number;
  targetTokens: number;
  /** Real (non-pad) tokens processed, and padded positions computed. */
  tokens: number;
  positions: number;
  gradNorm: number;
  clipped: boolean;
  /** False when the gradient was not finite and the update was skipped. */
  applied: boolean;
}

export interface StepInput {
  model: CausalLM;
  params: OptimParam[];
  optimizer: AdamW;
  examples: Example[];
  /** micro-batch → row → example indices */
  micro: number[][][];
  padId: number;
  lr: number;
  gradClip: number | null;
  /** Trained embedding rows: their gradient comes from the embedding's (see tokens.ts). */
  tokens?: TrainableTokens | null;
}

/**
 * Rows per chunk of the fused head loss: ~8M logits (32 MB) per chunk. With V = 32,000 that is
 * 250 rows, measured a little faster than the loss's inference default (125) for the three head
 * products of a training step; a small vocabulary takes every row at once.
 */
function headChunkRows(model: CausalLM): number {
  return Math.max(16, Math.floor(8_000_000 / model.config.vocabSize));
}

/** Runs one optimizer step (see the file comment). */
export function trainStep(s: StepInput): StepStats {
  const batches = s.micro.map((rows) => buildMicroBatch(s.examples, rows, s.padId));
  const denominator = batches.reduce((n, b) => n + b.targetCount, 0);
  const rows = s.tokens ?? null;
  // What tf differentiates: every parameter, except a token delta, whose gradient is read off
  // the embedding's.
  const direct = s.params.filter((p) => !rows || p.name !== rows.name);
  const vars = direct.map((p) => p.variable);
  if (rows) vars.push(rows.embedding.variable);
  const acc = new Map<string, tf.Tensor>();
  let loss = 0;
  let correct = 0;
  let counted = 0;
  let tokens = 0;
  let positions = 0;
  for (const b of batches) {
    tokens += b.tokens;
    positions += b.rows * b.width;
    if (b.targetCount === 0) continue;
    const stats: LossStats = { loss: 0, correct: 0, counted: 0 };
    const weights = lossWeights(b, denominator);
    const ids = idsTensor(b);
    const { value, grads } = tf.variableGrads(() => headCrossEntropy(s.model, s.model.hidden(ids, forwardOptions(b)), b.targets, weights, { gradMode: 'eager', stats, headGradColumns: rows?.ids, chunkRows: headChunkRows(s.model) }), vars);
    tf.dispose([value, ids]);
    loss += stats.loss;
    correct += stats.correct;
    counted += stats.counted;
    const named: [string, tf.Tensor | undefined][] = direct.map((p) => [p.name, grads[p.variable.name]]);
    if (rows) {
      const dE = grads[rows.embedding.variable.name];
      named.push([rows.name, dE ? rows.gradient(dE) : undefined]);
      dE?.dispose();
    }
    for (const [name, g] of named) {
      if (!g) continue;
      const prev = acc.get(name);
      if (prev) {
        acc.set(name, tf.add(prev, g));
        tf.dispose([prev, g]);
      } else acc.set(name, g);
    }
  }
  const norm = acc.size ? globalNorm(acc.values()) : 0;
  const applied = Number.isFinite(norm) && acc.size > 0;
  let clipped = false;
  if (applied) {
    if (s.gradClip !== null) clipped = clipByGlobalNorm(acc, norm, s.gradClip);
    s.optimizer.apply(acc, s.lr);
    rows?.sync();
  }
  tf.dispose([...acc.values()]);
  return { loss, tokenAccuracy: counted ? correct / counted : 0, targetTokens: counted, tokens, positions, gradNorm: norm, clipped, applied };
}
