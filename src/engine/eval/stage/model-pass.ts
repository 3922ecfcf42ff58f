/**
 * One model's pass over the eval examples: load it, generate the outputs the generation log does
 * not have yet (whole batches, appended as each finishes), stop at the deadline or on cancel,
 * then compute teacher-forced token statistics for every example. The model is disposed at the
 * end whatever happens.
 */
import type { GenerationParams } from '../../../../dsl/plan.ts';
import type { EvalExample } from './examples.ts';
import { encodePrompts, generateForBatch, planBatches, type GeneratedRow } from './generate-set.ts';
import type { LogLine } from './generation-log.ts';
import { loadEvalModel, type ResolvedEvalModel } from './models.ts';
import { teacherForcedStats, type ExampleTokenStats } from './teacher-forcing.ts';

export interface PassProgress {
  /** Outputs this model has so far (reused + generated). */
  done: number;
  total: number;
  newTokens: number;
  ms: number;
}

export interface ModelPassInput {
  model: ResolvedEvalModel;
  key: string;
  examples: EvalExample[];
  generation: GenerationParams;
  /** Outputs already in the generation log, by example index. */
  finished: Map<number, GeneratedRow>;
  append(lines: LogLine[]): void;
  /** Stop starting new batches after this time (Date.now() ms); null = no limit. */
  deadline: number | null;
  signal: AbortSignal;
  onBatch(p: PassProgress): void;
}

export interface ModelPassResult {
  kind: 'base' | 'lora' | 'full';
  outputs: Map<number, GeneratedRow>;
  generated: number;
  reused: number;
  newTokens: number;
  ms: number;
  promptsTruncated: number;
  stoppedByDeadline: boolean;
  /** By example index. */
  tokenStats: Map<number, ExampleTokenStats>;
  /** The rendered prompt text by example index (before any truncation). */
  prompts: Map<number, string>;
}

export async function runModelPass(p: ModelPassInput): Promise<ModelPassResult> {
  const lm = await loadEvalModel(p.model);
  try {
    if (!lm.chat) throw new Error(`model ${p.model.label} (${p.model.dir}) has no tokenizer, so it cannot render prompts`);
    const outputs = new Map(p.finished);
    const wanted = new Set(p.examples.map((e) => e.index));
    for (const k of [...outputs.keys()]) if (!wanted.has(k)) outputs.delete(k);
    const reused = outputs.size;
    const maxPrompt = Math.max(1, lm.model.config.maxPositions - p.generation.max_tokens);
    const prompts = encodePrompts(lm.chat, p.examples, maxPrompt);
    let generated = 0;
    let newTokens = 0;
    let ms = 0;
    let stoppedByDeadline = false;
    for (const batch of planBatches(prompts, p.generation.batch_size)) {
      if (batch.prompts.every((x) => outputs.has(x.example.index))) continue;
      p.signal.throwIfAborted();
      if (p.deadline !== null && Date.now() >= p.deadline) {
        stoppedByDeadline = true;
        break;
      }
      const r = await generateForBatch(lm, batch, p.generation);
      const fresh = r.rows.filter((row) => !outputs.has(row.index));
      p.append(fresh.map((row) => ({ key: p.key, model: p.model.label, ...row })));
      for (const row of fresh) outputs.set(row.index, row);
      generated += fresh.length;
      newTokens += r.newTokens;
      ms += r.ms;
      p.onBatch({ done: outputs.size, total: p.examples.length, newTokens, ms });
    }
    p.signal.throwIfAborted();
    const padId = lm.generation.padTokenId ?? lm.generation.eosTokenIds[0] ?? 0;
    const stats = await teacherForcedStats(lm.model, lm.chat, p.examples.map((e) => e.conversation), { padId, signal: p.signal });
    const tokenStats = new Map(p.examples.map((e, i) => [e.index, stats[i]]));
    return {
      kind: p.model.source.kind === 'base' ? 'base' : lm.kind,
      outputs,
      generated,
      reused,
      newTokens,
      ms,
      promptsTruncated: prompts.filter((x) => x.truncated).length,
      stoppedByDeadline,
      tokenStats,
      prompts: new Map(p.examples.map((e) => [e.index, lm.chat!.render(e.context, { addGenerationPrompt: true })]))
    };
  } finally {
    lm.dispose();
  }
}
