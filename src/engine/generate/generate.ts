/**
 * Text generation with a KV cache: greedy or sampled, max tokens, stop token ids and stop
 * sequences, streaming, and batches (left padding + attention mask, one shared cache).
 *
 *   prefill:  run the (padded) prompts once, keep k/v per layer, take the last row's logits
 *   decode:   feed one token per sequence, append to the cache, pick the next token, repeat
 *
 * Every step runs in tf.tidy; only the cache keeps tensors between steps, and it is disposed at
 * the end, so tf.memory().numTensors is the same before and after (tested).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM, ForwardOptions } from '../model/causal-lm.ts';
import type { TextTokenizer } from '../model/tokenizer.ts';
import type { GenerationDefaults } from '../model/load.ts';
import type { AttentionStrategy } from '../model/attention.ts';
import { Rng, pickToken, validateSampling, type SamplingOptions } from './sampling.ts';
import { StopMatcher } from './stop.ts';

export interface GenerateOptions extends SamplingOptions {
  maxTokens: number;
  /** Seed for sampling (default 0); each batch row uses seed + row. */
  seed?: number;
  /** Stop sequences, matched on the decoded text; the text is cut before them. */
  stop?: string[];
  /** Token ids that end a sequence. Default: the model's eos ids plus its bos id (see below). */
  stopTokenIds?: number[];
  /** Called for every new token: its id and the text it adds (possibly '' while held back). */
  onToken?: (event: TokenEvent) => void;
  /** false = recompute the whole sequence every step (for comparisons). Default true. */
  useCache?: boolean;
  attention?: AttentionStrategy;
}

export interface TokenEvent {
  /** Batch row (0 for single generation). */
  row: number;
  /** Position of the token among the new ones. */
  index: number;
  /** The new token; -1 for the final event that flushes text held back (a possible stop-sequence
   * prefix or an incomplete UTF-8 character) without a new token. */
  id: number;
  /** Text this event adds. */
  text: string;
}

export type FinishReason = 'length' | 'stop';

export interface GenerateResult {
  /** New token ids (the stop token that ended the sequence is not included). */
  ids: number[];
  /** Decoded new text, special tokens skipped, cut before any stop sequence. */
  text: string;
  finishReason: FinishReason;
  /** What stopped it: a token id or a stop sequence; null for 'length'. */
  stoppedBy: number | string | null;
  promptTokens: number;
}

export interface GenerationStats {
  prefillMs: number;
  decodeMs: number;
  /** Decoding steps run (tokens per sequence). */
  steps: number;
  /** New tokens over all rows per second of decoding. */
  tokensPerSecond: number;
}

export interface Generator {
  model: CausalLM;
  tokenizer: TextTokenizer | null;
  generation: GenerationDefaults;
}

/**
 * Default stop ids: eos, and also bos. A base model that never learned to emit eos (TinyStories:
 * every story began with <s> and </s> was never trained) ends a document by starting the next one
 * with <s>, which is what llama2.c's `run` stops on.
 */
export function defaultStopIds(g: GenerationDefaults): number[] {
  return [...new Set([...g.eosTokenIds, ...(g.bosTokenId === null ? [] : [g.bosTokenId])])];
}

/** Logits of the last position of every row, as one Float32Array per row. */
function lastLogits(model: CausalLM, ids: number[][], opts: ForwardOptions): Float32Array[] {
  const b = ids.length;
  const t = ids[0].length;
  const data = tf.tidy(() => {
    const h = model.hidden(tf.tensor2d(ids, [b, t], 'int32'), opts);
    const last = tf.tensor1d(Array.from({ length: b }, (_, i) => i * t + t - 1), 'int32');
    return model.logits(tf.gather(h, last) as tf.Tensor2D);
  });
  const flat = data.dataSync() as Float32Array;
  data.dispose();
  const v = flat.length / b;
  return Array.from({ length: b }, (_, i) => flat.subarray(i * v, (i + 1) * v));
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Generates continuations for several prompts at once. */
export async function generateBatch(g: Generator, prompts: number[][], opts: GenerateOptions): Promise<{ results: GenerateResult[]; stats: GenerationStats }> {
  validateSampling(opts);
  if (prompts.length === 0) return { results: [], stats: { prefillMs: 0, decodeMs: 0, steps: 0, tokensPerSecond: 0 } };
  if (prompts.some((p) => p.length === 0)) throw new Error('every prompt needs at least one token (e.g. the bos token)');
  if (!(opts.maxTokens >= 0)) throw new Error(`maxTokens must be >= 0 (got ${opts.maxTokens})`);
  const { model } = g;
  const b = prompts.length;
  const width = Math.max(...prompts.map((p) => p.length));
  const maxNew = Math.min(opts.maxTokens, Math.max(0, model.config.maxPositions - width));
  const stopIds = new Set(opts.stopTokenIds ?? defaultStopIds(g.generation));
  const stopper = opts.stop?.length ? new StopMatcher(opts.stop) : null;
  if (stopper && !g.tokenizer) throw new Error('stop sequences need a tokenizer');
  const padId = g.generation.padTokenId ?? g.generation.eosTokenIds[0] ?? 0;
  const padded = prompts.some((p) => p.length !== width);
  // Left padding keeps every row's last prompt token in the same column.
  const rows = prompts.map((p) => [...new Array(width - p.length).fill(padId), ...p]);
  const mask = padded ? prompts.map((p) => [...new Array(width - p.length).fill(0), ...new Array(p.length).fill(1)]) : undefined;
  const rngs = prompts.map((_, i) => new Rng((opts.seed ?? 0) + i));
  const state = prompts.map((p) => ({ ids: [] as number[], text: '', emitted: 0, done: false, finish: 'length' as FinishReason, by: null as number | string | null, promptTokens: p.length }));
  const useCache = opts.useCache ?? true;
  const cache = useCache ? model.newCache(b) : undefined;
  const t0 = performance.now();
  let prefillMs = 0;
  let steps = 0;
  try {
    let logits = maxNew > 0 ? lastLogits(model, rows, { cache, attentionMask: mask, attention: opts.attention }) : [];
    prefillMs = performance.now() - t0;
    for (let step = 0; step < maxNew; step++) {
      const next = state.map((s, i) => (s.done ? padId : pickToken(logits[i], opts, rngs[i])));
      steps++;
      state.forEach((s, i) => {
        if (s.done) return;
        const id = next[i];
        if (stopIds.has(id)) {
          Object.assign(s, { done: true, finish: 'stop', by: id });
          return;
        }
        s.ids.push(id);
        if (!g.tokenizer) {
          opts.onToken?.({ row: i, index: s.ids.length - 1, id, text: '' });
          return;
        }
        const text = g.tokenizer.decode(s.ids, { skipSpecialTokens: true });
        const check = stopper ? stopper.check(text, s.text.length) : { stopAt: -1, stop: null, safeLength: safeLength(text) };
        s.text = check.stopAt >= 0 ? text.slice(0, check.stopAt) : text;
        const delta = s.text.slice(s.emitted, Math.max(s.emitted, check.safeLength));
        s.emitted += delta.length;
        opts.onToken?.({ row: i, index: s.ids.length - 1, id, text: delta });
        if (check.stopAt >= 0) Object.assign(s, { done: true, finish: 'stop', by: check.stop });
      });
      if (state.every((s) => s.done) || step === maxNew - 1) break;
      for (let i = 0; i < b; i++) rows[i].push(next[i]);
      mask?.forEach((m) => m.push(1));
      logits = useCache
        ? lastLogits(model, next.map((id) => [id]), { cache, attentionMask: mask, attention: opts.attention })
        : lastLogits(model, rows, { attentionMask: mask, attention: opts.attention });
      if (opts.onToken) await yieldToEventLoop();
    }
  } finally {
    cache?.dispose();
  }
  const decodeMs = performance.now() - t0 - prefillMs;
  const produced = state.reduce((n, s) => n + s.ids.length, 0);
  const results = state.map((s) => {
    if (g.tokenizer && s.emitted < s.text.length) {
      // Flush what was held back for a possible stop sequence or an incomplete character.
      opts.onToken?.({ row: state.indexOf(s), index: s.ids.length, id: -1, text: s.text.slice(s.emitted) });
    }
    return { ids: s.ids, text: s.text, finishReason: s.finish, stoppedBy: s.by, promptTokens: s.promptTokens };
  });
  return { results, stats: { prefillMs, decodeMs, steps, tokensPerSecond: decodeMs > 0 ? (produced / decodeMs) * 1000 : 0 } };
}

function safeLength(text: string): number {
  let n = text.length;
  while (n > 0 && text.charCodeAt(n - 1) === 0xfffd) n--;
  return n;
}

/** Generates one continuation of `promptIds`. */
export async function generate(g: Generator, promptIds: number[], opts: GenerateOptions): Promise<GenerateResult & { stats: GenerationStats }> {
  const { results, stats } = await generateBatch(g, [promptIds], opts);
  return { ...results[0], stats };
}
