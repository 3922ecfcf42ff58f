/**
 * Teacher-forced token statistics per example: the model reads the whole reference conversation
 * and predicts each target token (every assistant turn with weight ≠ 0, exactly the tokens the
 * training loss and validation loss count: ChatTemplate.renderForTraining). Per example: Σ NLL
 * (nats), target tokens, argmax hits — the TokenStats that eval's perplexity() and
 * meanTokenAccuracy() pool over the split.
 *
 * Conversations longer than the model's context are cut to it (counted). Rows are batched by
 * length and right-padded (causal attention: padding after a row never affects it; padded
 * positions carry weight 0). The loss comes from the model code's fused headCrossEntropy, run once
 * per example on the batch's hidden states with that example's rows weighted 1, so its stats are
 * the example's sums.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM } from '../../model/causal-lm.ts';
import type { ChatMessage, ChatTemplate } from '../../model/chat-template.ts';
import { headCrossEntropy, type LossStats } from '../../model/loss.ts';
import type { TokenStats } from '../index.ts';

export interface ExampleTokenStats extends TokenStats {
  correct: number;
  /** The conversation was longer than the context and was cut. */
  truncated: boolean;
}

export interface TeacherForcingOptions {
  padId: number;
  /** Rows per forward pass (default 8), bounded by maxBatchTokens (default 4,096). */
  batchRows?: number;
  maxBatchTokens?: number;
  signal?: AbortSignal;
}

interface Encoded {
  ids: number[];
  mask: Uint8Array;
  truncated: boolean;
}

function encode(chat: ChatTemplate, messages: ChatMessage[], maxLength: number): Encoded {
  const ex = chat.renderForTraining(messages);
  if (ex.ids.length <= maxLength) return { ids: ex.ids, mask: ex.labelsMask, truncated: false };
  return { ids: ex.ids.slice(0, maxLength), mask: ex.labelsMask.slice(0, maxLength), truncated: true };
}

/** Token statistics of `model` on each conversation, in input order. */
export async function teacherForcedStats(model: CausalLM, chat: ChatTemplate, conversations: ChatMessage[][], o: TeacherForcingOptions): Promise<ExampleTokenStats[]> {
  const enc = conversations.map((c) => encode(chat, c, model.config.maxPositions));
  const out: ExampleTokenStats[] = enc.map((e) => ({ lossSum: 0, tokens: 0, correct: 0, truncated: e.truncated }));
  const order = enc.map((_, i) => i).sort((a, b) => enc[a].ids.length - enc[b].ids.length || a - b);
  const maxRows = o.batchRows ?? 8;
  const maxTokens = o.maxBatchTokens ?? 4096;
  let i = 0;
  while (i < order.length) {
    o.signal?.throwIfAborted();
    const rows: number[] = [];
    while (i < order.length && rows.length < maxRows && (rows.length + 1) * enc[order[i]].ids.length <= Math.max(maxTokens, enc[order[i]].ids.length)) rows.push(order[i++]);
    const t = enc[rows[rows.length - 1]].ids.length; // ascending: the last row is the widest
    const b = rows.length;
    const flat = new Int32Array(b * t).fill(o.padId);
    rows.forEach((r, k) => flat.set(enc[r].ids, k * t));
    tf.tidy(() => {
      const hidden = model.hidden(tf.tensor2d(flat, [b, t], 'int32'));
      rows.forEach((r, k) => {
        const { ids, mask } = enc[r];
        const targets = new Int32Array(b * t);
        const weights = new Float32Array(b * t);
        let n = 0;
        // Row j predicts ids[j + 1]; position 0 has nothing before it.
        for (let j = 0; j + 1 < ids.length; j++) {
          if (!mask[j + 1]) continue;
          targets[k * t + j] = ids[j + 1];
          weights[k * t + j] = 1;
          n++;
        }
        if (n === 0) return;
        const stats: LossStats = { loss: 0, correct: 0, counted: 0 };
        headCrossEntropy(model, hidden, targets, weights, { stats });
        Object.assign(out[r], { lossSum: stats.loss, tokens: stats.counted, correct: stats.correct });
      });
    });
    await new Promise<void>((res) => setImmediate(res));
  }
  return out;
}
