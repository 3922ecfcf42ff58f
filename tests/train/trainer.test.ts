/**
 * The training loop on the real tinystories-260k model (WASM backend, one thread): determinism,
 * tensor lifetimes, gradient accumulation, validation and metrics, early stopping, checkpoint
 * retention and the time budget. Each run is a handful of steps.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { describeShared } from '../support/shared.ts';
import { initBackend } from '../../src/engine/train/backend.ts';
import { train, type TrainOptions } from '../../src/engine/train/trainer.ts';
import { defaultTrainParams } from '../../src/engine/train/config.ts';
import { metricsFile, readMetrics } from '../../src/engine/train/metrics.ts';
import { openSession } from '../../src/engine/train/session.ts';
import { trainStep } from '../../src/engine/train/step.ts';
import { evaluate } from '../../src/engine/train/evaluate.ts';
import { saveCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointMeta } from '../../src/engine/train/checkpoint.ts';
import { lrAt } from '../../src/engine/train/schedule.ts';
import type { TrainParams } from '../../dsl/plan.ts';
import { BASE, banking, removeDir, tempDir } from './helpers.ts';

const dirs: string[] = [];
const work = (label: string) => {
  const d = tempDir(label);
  dirs.push(d);
  return d;
};

const lora = (over: Partial<Extract<TrainParams['method'], { kind: 'lora' }>> = {}): TrainParams['method'] => ({ kind: 'lora', rank: 4, alpha: 8, dropout: 0.1, targets: ['q_proj', 'v_proj'], base_precision: 'float32', ...over });

function options(workDir: string, p: Partial<TrainParams>, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    params: defaultTrainParams({ method: lora(), epochs: 1, batch_size: 8, learning_rate: { mode: 'fixed', value: 5e-3 }, ...p }),
    base: { kind: 'model', name: 'tinystories-260k', dir: BASE },
    train: banking(0, 48),
    validation: banking(600, 624),
    workDir,
    ...extra
  };
}

describeShared('trainer on tinystories-260k', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(() => dirs.forEach(removeDir));

  it('is deterministic: the same seed gives the same loss sequence, another seed another', async () => {
    const run = async (seed: number) => {
      const w = work('det');
      await train(options(w, { seed, max_steps: 4 }, { metrics: metricsFile(path.join(w, 'm.jsonl')) }));
      return readMetrics(path.join(w, 'm.jsonl'))
        .filter((m) => m.train_loss !== undefined)
        .map((m) => m.train_loss);
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a).toHaveLength(4);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('keeps the number of tensors constant across steps, a validation and a checkpoint', async () => {
    const w = work('mem');
    const s = await openSession({ ...options(w, { grad_accum: 2 }), resume: false });
    const step = (k: number) => trainStep({ model: s.lm.model, params: s.optimParams, optimizer: s.optimizer, examples: s.trainExamples, micro: s.plans[0][k], padId: s.padId, lr: lrAt(s.schedule, k), gradClip: 1, tokens: s.adapters?.tokens });
    step(0); // first call creates the model's lasting tables (RoPE)
    const before = tf.memory().numTensors;
    step(1);
    step(2);
    s.adapters!.setTraining(false);
    evaluate(s.lm.model, s.validExamples, { padId: s.padId });
    s.adapters!.setTraining(true);
    const meta = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, name: 'step-3', kind: 'lora', step: 3, epoch: 0, epoch_step: 3 } as unknown as CheckpointMeta;
    await saveCheckpoint(w, { meta, model: s.lm.model, adapters: s.adapters, optimizer: s.optimizer, baseDir: BASE });
    step(3);
    expect(tf.memory().numTensors).toBe(before);
    s.dispose();
  });

  it('gradient accumulation gives the same update as one big batch (token mean over the step)', async () => {
    const first = async (accum: number) => {
      const s = await openSession({ ...options(work('acc'), { method: lora({ dropout: 0 }), grad_accum: accum }), resume: false, trainableTokens: 'none' });
      const st = trainStep({ model: s.lm.model, params: s.optimParams, optimizer: s.optimizer, examples: s.trainExamples, micro: s.plans[0][0], padId: s.padId, lr: 1e-2, gradClip: null });
      const b = s.adapters!.layers.get('model.layers.2.self_attn.v_proj')!.b.dataSync().slice();
      const micro = s.plans[0][0].length;
      s.dispose();
      return { st, b, micro };
    };
    const one = await first(1);
    const two = await first(2);
    expect(one.micro).toBe(1);
    expect(two.micro).toBe(2);
    expect(two.st.loss).toBeCloseTo(one.st.loss, 5);
    expect(two.st.targetTokens).toBe(one.st.targetTokens);
    let diff = 0;
    one.b.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - two.b[i]))));
    expect(diff).toBeLessThan(1e-5);
  });

  it('streams OpenAI-named metrics, validates on a sample every eval_every steps and fully at epoch ends', async () => {
    const w = work('metrics');
    const events: string[] = [];
    const res = await train(options(w, { epochs: 2, eval_every: 3, warmup: { unit: 'steps', value: 2 } }, { metrics: metricsFile(path.join(w, 'metrics.jsonl')), stage: 'tuned', events: { emit: (t) => events.push(t) } }));
    const lines = readMetrics(path.join(w, 'metrics.jsonl'), 'tuned');
    const steps = lines.filter((m) => m.train_loss !== undefined);
    expect(steps.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const m of steps) expect(Object.keys(m)).toEqual(expect.arrayContaining(['step', 'total_steps', 'epoch', 'train_loss', 'train_mean_token_accuracy', 'lr', 'tokens_per_second', 'elapsed_ms', 'eta_ms']));
    expect(steps[0].lr).toBeCloseTo(5e-3 / 3, 8);
    expect(lines.filter((m) => m.valid_loss !== undefined).map((m) => m.step)).toEqual([3, 9]); // 6 and 12 are epoch ends
    expect(lines.filter((m) => m.full_valid_loss !== undefined).map((m) => m.step)).toEqual([6, 12]);
    expect(events).toEqual(expect.arrayContaining(['train_started', 'validation', 'checkpoint', 'train_finished']));
    const s = res.summary;
    expect(s.base_valid!.loss).toBeGreaterThan(s.final_valid!.loss);
    expect(s.data.train).toMatchObject({ conversations: 48, examples: 48, truncated: 0 });
    expect(s.config).toMatchObject({ epochs: 2, batchSize: 8, totalSteps: 12 });
    const tokens = (s.config.lora as { trainableTokens: number[] }).trainableTokens;
    expect(tokens).toContain(2); // </s> ends every assistant turn
    // q_proj: A [64, 4] + B [4, 64]; v_proj (4 KV heads × 8): A [64, 4] + B [4, 32]; five layers; 64 per token row.
    expect(s.trainable_parameters).toBe(5 * (64 * 4 + 4 * 64 + 64 * 4 + 4 * 32) + 64 * tokens.length);
  });

  it('stops early after `patience` epochs without improvement, keeping the last N checkpoints and the best', async () => {
    const w = work('early');
    const res = await train(options(w, { epochs: 6, keep_checkpoints: 1, early_stop: { metric: 'val_loss', direction: 'min', patience: 2, min_delta: 50, generation: null } }));
    const s = res.summary;
    expect(s.stopped_by).toBe('early_stop');
    expect(s.epochs_completed).toBe(3);
    expect(s.best).toMatchObject({ metric: 'val_loss', epoch: 1, checkpoint: 'epoch-1' });
    expect(s.early_stop).toMatchObject({ triggered: true, bad_epochs: 2 });
    expect(fs.readdirSync(w).filter((n) => !n.startsWith('.')).sort()).toEqual(['epoch-1', 'epoch-3']);
    expect(s.final_checkpoint).toBe('epoch-1');
    expect(s.last_checkpoint).toBe('epoch-3');
  });

  it('stops at the time budget with a step checkpoint, and at max_steps', async () => {
    const w = work('budget');
    const res = await train(options(w, { epochs: 3, time_budget_ms: 1 }));
    expect(res.summary.stopped_by).toBe('time_budget');
    expect(res.summary.steps).toBe(1);
    expect(res.summary.last_checkpoint).toBe('step-1');
    const w2 = work('maxsteps');
    const res2 = await train(options(w2, { epochs: 3, max_steps: 2 }));
    expect(res2.summary).toMatchObject({ stopped_by: 'max_steps', steps: 2, total_steps: 2, last_checkpoint: 'step-2' });
  });
});
