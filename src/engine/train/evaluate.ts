/**
 * Validation: mean next-token loss and token accuracy over the target tokens of a set of
 * examples (the same tokens the training loss counts), no gradients. OpenAI's names for these are
 * valid_loss / valid_mean_token_accuracy (a bounded sample) and full_valid_loss /
 * full_valid_mean_token_accuracy (the whole validation set).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM } from '../model/causal-lm.ts';
import { headCrossEntropy, type LossStats } from '../model/loss.ts';
import type { Example } from './data.ts';
import { buildMicroBatch, forwardOptions, idsTensor } from './batches.ts';
import { stream, shuffleInPlace } from './rng.ts';

export interface EvalResult {
  /** Mean cross-entropy per target token (nats). */
  loss: number;
  /** Share of target tokens whose argmax prediction is right. */
  tokenAccuracy: number;
  targetTokens: number;
  examples: number;
}

export interface EvalOptions {
  padId: number;
  /** Rows per forward pass (default 16), bounded by `maxBatchTokens` (default 8,192). */
  batchRows?: number;
  maxBatchTokens?: number;
  signal?: AbortSignal;
}

/** Loss and token accuracy of `model` on `examples` (sorted by length into batches). */
export function evaluate(model: CausalLM, examples: Example[], o: EvalOptions): EvalResult {
  const order = examples.map((_, i) => i).sort((a, b) => examples[a].ids.length - examples[b].ids.length || a - b);
  const maxRows = o.batchRows ?? 16;
  const maxTokens = o.maxBatchTokens ?? 8192;
  let lossSum = 0;
  let correct = 0;
  let counted = 0;
  let i = 0;
  while (i < order.length) {
    o.signal?.throwIfAborted();
    const rows: number[][] = [];
    // Sorted ascending, so the last row added is the widest.
    while (i < order.length && rows.length < maxRows && (rows.length + 1) * examples[order[i]].ids.length <= Math.max(maxTokens, examples[order[i]].ids.length)) rows.push([order[i++]]);
    const b = buildMicroBatch(examples, rows, o.padId);
    const weights = Float32Array.from(b.counted);
    const stats: LossStats = { loss: 0, correct: 0, counted: 0 };
    tf.tidy(() => {
      const ids = idsTensor(b);
      headCrossEntropy(model, model.hidden(ids, forwardOptions(b)), b.targets, weights, { stats });
    });
    lossSum += stats.loss;
    correct += stats.correct;
    counted += stats.counted;
  }
  return { loss: counted ? lossSum / counted : NaN, tokenAccuracy: counted ? correct / counted : NaN, targetTokens: counted, examples: examples.length };
}

/** A fixed sample of at most `n` examples (the same every call), for quick validations. */
export function validationSample(examples: Example[], n: number, seed: number): Example[] {
  if (examples.length <= n) return examples;
  const idx = shuffleInPlace(examples.map((_, i) => i), stream(seed, 'valid-sample')).slice(0, n).sort((a, b) => a - b);
  return idx.map((i) => examples[i]);
}
