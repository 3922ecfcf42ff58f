/**
 * OpenAI's "auto" hyperparameters, as far as OpenAI has written them down.
 *
 * n_epochs — the rule in OpenAI's cookbook notebook "Data preparation and analysis for chat model
 *   fine-tuning" (openai-cookbook, examples/Chat_finetuning_data_prep.ipynb), which estimates the
 *   epochs the fine-tuning service picks: start from 3 (TARGET_EPOCHS); if examples × 3 < 100
 *   (MIN_TARGET_EXAMPLES), use min(25, ⌊100 / examples⌋); if examples × 3 > 25,000
 *   (MAX_TARGET_EXAMPLES — examples, not tokens), use max(1, ⌊25,000 / examples⌋).
 *
 * batch_size — OpenAI's API reference for fine-tunes (the openai-openapi spec, `batch_size`):
 *   "dynamically configured to be ~0.2% of the number of examples in the training set, capped at
 *   256". We take 0.2% of the examples, round to the nearest power of two (batches of 2^k keep
 *   the per-step cost predictable) and clamp to [1, 256].
 *
 * learning_rate_multiplier — the same reference: "0.05, 0.1, or 0.2 depending on final
 *   batch_size (larger learning rates tend to perform better with larger batch sizes)". The
 *   thresholds are not published; we use 0.05 for batches ≤ 4, 0.1 up to 64, 0.2 above.
 *   The multiplier scales "the original learning rate used for pretraining": we use 5e-4 for full
 *   fine-tuning (the peak rate llama2.c's train.py uses for its TinyStories models) and 10× that
 *   for LoRA (LoRA's best rate is about 10× full fine-tuning's: Thinking Machines, "LoRA Without
 *   Regret", 2025; Biderman et al., "LoRA Learns Less and Forgets Less", 2024).
 */

export const TARGET_EPOCHS = 3;
export const MIN_TARGET_EXAMPLES = 100;
export const MAX_TARGET_EXAMPLES = 25_000;
export const MIN_DEFAULT_EPOCHS = 1;
export const MAX_DEFAULT_EPOCHS = 25;

export const BASE_LEARNING_RATE = { full: 5e-4, lora: 5e-3 } as const;

export function autoEpochs(examples: number): number {
  const n = Math.max(1, examples);
  if (n * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) return Math.min(MAX_DEFAULT_EPOCHS, Math.floor(MIN_TARGET_EXAMPLES / n));
  if (n * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) return Math.max(MIN_DEFAULT_EPOCHS, Math.floor(MAX_TARGET_EXAMPLES / n));
  return TARGET_EPOCHS;
}

export function autoBatchSize(examples: number): number {
  const raw = 0.002 * Math.max(0, examples);
  if (raw <= 1) return 1;
  const pow = 2 ** Math.round(Math.log2(raw));
  return Math.max(1, Math.min(256, pow));
}

export function autoLearningRateMultiplier(batchSize: number): number {
  if (batchSize <= 4) return 0.05;
  if (batchSize <= 64) return 0.1;
  return 0.2;
}

export interface ResolvedHyper {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** What was chosen automatically and why, for the run's summary. */
  auto: Record<string, string>;
}

/** Resolves the Plan's auto values for a training set of `examples` conversations. */
export function resolveAuto(
  p: { epochs: number | 'auto'; batch_size: number | 'auto'; learning_rate: { mode: 'fixed'; value: number } | { mode: 'multiplier'; value: number | 'auto' } },
  examples: number,
  method: 'lora' | 'full'
): ResolvedHyper {
  const auto: Record<string, string> = {};
  const epochs = p.epochs === 'auto' ? autoEpochs(examples) : p.epochs;
  if (p.epochs === 'auto') auto.epochs = `${epochs} (OpenAI cookbook rule for ${examples} examples: 3, raised so examples×epochs ≥ 100 up to 25, lowered so ≤ 25,000)`;
  const batchSize = p.batch_size === 'auto' ? autoBatchSize(examples) : p.batch_size;
  if (p.batch_size === 'auto') auto.batch_size = `${batchSize} (~0.2% of ${examples} examples, power of 2, 1..256)`;
  let learningRate: number;
  if (p.learning_rate.mode === 'fixed') learningRate = p.learning_rate.value;
  else {
    const m = p.learning_rate.value === 'auto' ? autoLearningRateMultiplier(batchSize) : p.learning_rate.value;
    learningRate = m * BASE_LEARNING_RATE[method];
    auto.learning_rate = `${learningRate} = multiplier ${m}${p.learning_rate.value === 'auto' ? ` (auto for batch size ${batchSize})` : ''} × base ${BASE_LEARNING_RATE[method]} (${method})`;
  }
  return { epochs, batchSize, learningRate, auto };
}
