/**
 * The pipeline's 'eval' stage executor, and the evaluator's hook into training.
 *
 *   cache   cacheable unless a time budget makes the result depend on the machine's speed.
 *           Greedy decoding is deterministic on one engine and backend, and sampling is seeded
 *           per batch position (generate-set.ts), so the same key gives the same outputs. The
 *           key covers the data input's key, every model's identity (a train stage's key is an
 *           input; base models' file hashes are the external input), all parameters (models,
 *           metrics, styles, generation, bootstrap, max_examples) and the engine version. Like
 *           the train stage's key, it does not name the TensorFlow.js backend (eval.json records
 *           the one used).
 *   resume  independent of the cache: the generation log (generation-log.ts) lets a rerun after a
 *           crash, a cancel, a time budget or a change of metrics reuse every finished output.
 *
 * TensorFlow.js is imported only when a stage runs.
 */
import type { EvalStage } from '../../../../dsl/plan.ts';
import { registerStageExecutor, type StageExecutor } from '../../runs/stage-executor.ts';
import { sha256Hex } from '../../runs/canonical-json.ts';
import { resolveModel } from '../../model/registry.ts';
import { registerEarlyStopMetrics } from '../../train/early-stop.ts';
import { earlyStopProvider } from './early-stop.ts';
import { baseModelIdentity, describeSource } from './models.ts';
import { runEvalStage } from './run-eval.ts';

export const evalExecutor: StageExecutor<EvalStage> = {
  cacheable(stage) {
    if (stage.params.time_budget_ms !== null) return 'a time budget makes the result depend on how fast the machine is';
    return true;
  },
  async externalInput(stage, ws) {
    const bases = stage.params.models.filter((m) => m.model.kind === 'base');
    if (!bases.length) return { label: 'base models', key: 'none' };
    const lines: string[] = [];
    for (const m of bases) {
      if (m.model.kind !== 'base') continue;
      lines.push(`${m.model.name}:${await baseModelIdentity(ws, await resolveModel(m.model.name, ws))}`);
    }
    return { label: `base model${bases.length > 1 ? 's' : ''} ${bases.map((m) => (m.model.kind === 'base' ? m.model.name : '')).join(', ')}`, key: sha256Hex(lines.join('\n')) };
  },
  run: runEvalStage,
  describe(stage) {
    const p = stage.params;
    const g = p.generation;
    const sampling = g.temperature === 0 ? 'greedy' : `temperature ${g.temperature}, top_p ${g.top_p}, top_k ${g.top_k}, seed ${g.seed}`;
    return {
      sql: [],
      notes: [
        `generate with ${p.models.map((m) => `${m.label} (${describeSource(m.model)})`).join(', ')}: ${sampling}, max_tokens ${g.max_tokens}, batches of ${g.batch_size}${g.stop.length ? `, stop at ${g.stop.map((s) => JSON.stringify(s)).join(', ')}` : ''}${p.max_examples ? `, first ${p.max_examples} examples` : ''}${p.time_budget_ms ? `, time budget ${p.time_budget_ms} ms` : ''}`,
        `score ${[...p.metrics.map((m) => m.name), ...p.styles.map((s) => `style ${s.name}`)].join(', ')}; perplexity and token accuracy by teacher forcing${p.bootstrap.samples ? `; ${p.bootstrap.samples} bootstrap resamples for ${Math.round(p.bootstrap.confidence * 100)}% intervals` : ''}`,
        'write predictions.parquet (one row per model × example) and eval.json (aggregates, metric cards, settings)'
      ]
    };
  }
};

let registered = false;

/** Registers the 'eval' executor and the early-stopping generation metrics (runs/executors.ts). */
export function registerEvalExecutor(): void {
  if (registered) return;
  registered = true;
  registerStageExecutor('eval', evalExecutor);
  registerEarlyStopMetrics(earlyStopProvider);
}
