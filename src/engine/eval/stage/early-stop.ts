/**
 * Generation metrics for the trainer's early stopping and best-checkpoint choice
 * (`early_stop on rougeL`): the trainer calls the function registered through
 * train/early-stop.ts registerEarlyStopMetrics with the live model and the validation
 * conversations at each epoch end; it generates an answer for each (the conversation up to its
 * last assistant turn, as the eval stage does, with the EarlyStop.generation settings, default
 * greedy, 128 tokens, batches of 8) and returns the corpus score of the metric with its default
 * options — the same number an eval stage with `metrics <name>` reports on that data.
 */
import type { GenerationParams } from '../../../../dsl/plan.ts';
import { METRICS } from '../../../../dsl/metrics.ts';
import type { EarlyStopContext, EarlyStopMetricFn, EarlyStopMetricProvider } from '../../train/early-stop.ts';
import type { EvalExample } from './examples.ts';
import { splitAtLastAssistant } from './examples.ts';
import { encodePrompts, generateForBatch, planBatches } from './generate-set.ts';
import { metricSpecs } from './metric-specs.ts';
import { scoreModel, type ScoringRow } from './scoring.ts';

const DEFAULT_GENERATION: GenerationParams = { max_tokens: 128, temperature: 0, top_p: 1, top_k: 0, seed: 42, stop: [], batch_size: 8 };

function defaultOptions(metric: string): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, o] of Object.entries(METRICS[metric].options)) if (o.kind !== 'column') out[k] = o.default;
  return out;
}

/** Generates on the validation conversations and scores `metric` (corpus value; NaN when nothing to score). */
export async function generationMetricOnValidation(ctx: EarlyStopContext, metric: string): Promise<number> {
  const settings: GenerationParams = ctx.params.generation ?? DEFAULT_GENERATION;
  const examples: EvalExample[] = [];
  ctx.validation.forEach((conversation, index) => {
    const cut = splitAtLastAssistant(conversation);
    if (cut) examples.push({ index, conversation_id: String(index), context: cut.context, reference: cut.reference, conversation, metadata: {} });
  });
  if (!examples.length) return NaN;
  const g = { model: ctx.model, tokenizer: ctx.tokenizer, generation: ctx.generation };
  const prompts = encodePrompts(ctx.chat, examples, Math.max(1, ctx.model.config.maxPositions - settings.max_tokens));
  const outputs = new Map<number, string>();
  for (const batch of planBatches(prompts, settings.batch_size)) {
    ctx.signal?.throwIfAborted();
    for (const row of (await generateForBatch(g, batch, settings)).rows) outputs.set(row.index, row.output);
  }
  const rows: ScoringRow[] = examples.map((e) => ({ output: outputs.get(e.index)!, reference: e.reference, tokens: null, labels: {} }));
  const spec = metricSpecs({ metrics: [{ name: metric, options: defaultOptions(metric) }] })[0];
  const value = scoreModel([spec], [], rows, { samples: 0, seed: 0, confidence: 0.95 }).scores[spec.key].value;
  return value ?? NaN;
}

/** The provider the evaluator registers: every generation metric of dsl/metrics.ts. */
export const earlyStopProvider: EarlyStopMetricProvider = (metric: string): EarlyStopMetricFn | null => {
  if (METRICS[metric]?.source !== 'generation') return null;
  return (ctx: EarlyStopContext) => generationMetricOnValidation(ctx, metric);
};
