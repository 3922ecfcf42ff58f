/**
 * Early stopping: after each epoch's full validation, the watched metric either improves (by more
 * than min_delta, in its direction) or counts one bad epoch; `patience` bad epochs in a row stop
 * training. The metric is val_loss or val_token_accuracy (computed here), or a generation metric
 * (rougeL, bleu, …) that the evaluator supplies through `registerEarlyStopMetrics`: a function
 * that generates on the validation conversations with the live model and scores the answers.
 */
import type { EarlyStop } from '../../../dsl/plan.ts';
import type { CausalLM } from '../model/causal-lm.ts';
import type { ChatMessage, ChatTemplate } from '../model/chat-template.ts';
import type { GenerationDefaults } from '../model/folder.ts';
import type { TextTokenizer } from '../model/tokenizer.ts';

export interface EarlyStopContext {
  model: CausalLM;
  tokenizer: TextTokenizer;
  chat: ChatTemplate;
  generation: GenerationDefaults;
  /** The validation conversations (the reference answer is each one's last assistant turn). */
  validation: ChatMessage[][];
  params: EarlyStop;
  signal?: AbortSignal;
}

/** Scores the live model on the validation data; higher or lower is better per params.direction. */
export type EarlyStopMetricFn = (ctx: EarlyStopContext) => Promise<number>;

/** Given a metric name (e.g. 'rougeL'), the function computing it, or null when unknown. */
export type EarlyStopMetricProvider = (metric: string) => EarlyStopMetricFn | null;

const providers: EarlyStopMetricProvider[] = [];

/** The evaluator registers how to compute generation metrics during training. */
export function registerEarlyStopMetrics(provider: EarlyStopMetricProvider): () => void {
  providers.push(provider);
  return () => {
    const i = providers.indexOf(provider);
    if (i >= 0) providers.splice(i, 1);
  };
}

export const BUILTIN_EARLY_STOP_METRICS = ['val_loss', 'val_token_accuracy'];

/** A registered function for a generation metric, or null. */
export function earlyStopMetricFor(metric: string): EarlyStopMetricFn | null {
  for (let i = providers.length - 1; i >= 0; i--) {
    const f = providers[i](metric);
    if (f) return f;
  }
  return null;
}

export interface EarlyStopState {
  best: number | null;
  badEpochs: number;
}

/** Updates the state with this epoch's value; returns whether it improved and whether to stop. */
export function observe(state: EarlyStopState, value: number, p: Pick<EarlyStop, 'direction' | 'min_delta' | 'patience'>): { improved: boolean; stop: boolean } {
  const improved = state.best === null || (p.direction === 'min' ? value < state.best - p.min_delta : value > state.best + p.min_delta);
  if (improved) {
    state.best = value;
    state.badEpochs = 0;
  } else state.badEpochs++;
  return { improved, stop: state.badEpochs >= p.patience };
}
