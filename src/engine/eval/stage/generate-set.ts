/**
 * Generating outputs for a set of examples with one model, in fixed batches.
 *
 * Determinism: prompts are sorted by token length (ties by example index) and cut into batches
 * of `batch_size`; that plan depends only on the examples, the tokenizer and the settings, so a
 * resumed run regenerates exactly the batches a fresh run would (left padding makes a row's
 * numbers depend on its batch mates; fixed batches keep them identical). Greedy decoding is then
 * deterministic on one backend; sampling is seeded per batch position (the row at position p of
 * the plan samples with seed + p).
 *
 * Prompts longer than the model's context minus max_tokens keep their first token (<s>) and
 * their most recent tokens (counted as truncated).
 */
import type { GenerationParams } from '../../../../dsl/plan.ts';
import type { ChatTemplate } from '../../model/chat-template.ts';
import { generateBatch, type Generator } from '../../generate/generate.ts';
import type { EvalExample } from './examples.ts';

export interface Prompt {
  example: EvalExample;
  ids: number[];
  truncated: boolean;
}

export interface GeneratedRow {
  index: number;
  conversation_id: string;
  output: string;
  finish_reason: 'stop' | 'length';
  prompt_tokens: number;
  output_tokens: number;
  prompt_truncated: boolean;
}

export interface Batch {
  /** Position of the batch's first row in the plan (sampling seeds follow it). */
  start: number;
  prompts: Prompt[];
}

/** Encodes every example's prompt (conversation before the last assistant turn + generation prompt). */
export function encodePrompts(chat: ChatTemplate, examples: EvalExample[], maxPromptTokens: number): Prompt[] {
  return examples.map((example) => {
    const ids = chat.encode(example.context, { addGenerationPrompt: true });
    if (ids.length <= maxPromptTokens) return { example, ids, truncated: false };
    const keep = Math.max(1, maxPromptTokens);
    return { example, ids: [ids[0], ...ids.slice(ids.length - (keep - 1))].slice(0, keep), truncated: true };
  });
}

/** The fixed batch plan: sorted by prompt length, then by example index. */
export function planBatches(prompts: Prompt[], batchSize: number): Batch[] {
  const sorted = [...prompts].sort((a, b) => a.ids.length - b.ids.length || a.example.index - b.example.index);
  const out: Batch[] = [];
  for (let s = 0; s < sorted.length; s += batchSize) out.push({ start: s, prompts: sorted.slice(s, s + batchSize) });
  return out;
}

export interface BatchResult {
  rows: GeneratedRow[];
  newTokens: number;
  ms: number;
}

/** Generates one batch. */
export async function generateForBatch(g: Generator, batch: Batch, p: GenerationParams): Promise<BatchResult> {
  const t0 = performance.now();
  const { results } = await generateBatch(
    g,
    batch.prompts.map((x) => x.ids),
    { maxTokens: p.max_tokens, temperature: p.temperature, topP: p.top_p, topK: p.top_k, seed: p.seed + batch.start, stop: p.stop.length ? p.stop : undefined }
  );
  const rows = results.map((r, i): GeneratedRow => {
    const x = batch.prompts[i];
    return { index: x.example.index, conversation_id: x.example.conversation_id, output: r.text, finish_reason: r.finishReason, prompt_tokens: x.ids.length, output_tokens: r.ids.length, prompt_truncated: x.truncated };
  });
  return { rows, newTokens: results.reduce((n, r) => n + r.ids.length, 0), ms: performance.now() - t0 };
}
