/**
 * Staged fine-tuning: a train run whose base is an earlier run's checkpoint. A LoRA checkpoint is
 * merged into its base and written once as a model folder (`base/`) the new adapters point at; a
 * full fine-tuning checkpoint is used as it is. Either way stage 2 starts exactly where stage 1
 * ended: its base validation loss is stage 1's final one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared } from '../support/shared.ts';
import { initBackend } from '../../src/engine/train/backend.ts';
import { train, type TrainOptions } from '../../src/engine/train/trainer.ts';
import { defaultTrainParams } from '../../src/engine/train/config.ts';
import { loadTrainedModel } from '../../src/engine/train/load-trained.ts';
import { readCheckpointMeta } from '../../src/engine/train/checkpoint.ts';
import type { TrainParams } from '../../dsl/plan.ts';
import { BASE, banking, removeDir, tempDir } from './helpers.ts';

const dirs: string[] = [];
const LORA: TrainParams['method'] = { kind: 'lora', rank: 4, alpha: 8, dropout: 0, targets: ['q_proj', 'v_proj'], base_precision: 'float32' };

function stage(workDir: string, method: TrainParams['method'], base: TrainOptions['base'], lr: number): TrainOptions {
  dirs.push(workDir);
  return {
    params: defaultTrainParams({ method, epochs: 1, batch_size: 8, max_steps: 4, learning_rate: { mode: 'fixed', value: lr }, seed: 2 }),
    base,
    train: banking(0, 32),
    validation: banking(600, 620),
    workDir
  };
}

describeShared('staged fine-tuning', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(() => dirs.forEach(removeDir));

  it('LoRA on a LoRA checkpoint: merged into a base folder, continuing where stage 1 ended', async () => {
    const s1 = await train(stage(tempDir('s1'), LORA, { kind: 'model', name: 'tinystories-260k', dir: BASE }, 5e-3));
    const w2 = tempDir('s2');
    const s2 = await train(stage(w2, { ...LORA, rank: 2 }, { kind: 'checkpoint', name: 'general@final', dir: s1.final }, 5e-3));
    expect(fs.existsSync(path.join(w2, 'base', 'model.safetensors'))).toBe(true);
    expect(s2.summary.base).toMatchObject({ name: 'general@final', derived_from: s1.final });
    expect(s2.summary.base_valid!.loss).toBeCloseTo(s1.summary.final_valid!.loss, 4);
    expect(s2.summary.final_valid!.loss).toBeLessThan(s2.summary.base_valid!.loss);
    const meta = readCheckpointMeta(s2.final);
    expect(meta.base).toMatchObject({ path: '../base', derivedFrom: { checkpoint: s1.final, how: 'merged-lora' } });
    const m = loadTrainedModel(s2.final);
    expect(m.baseDir).toBe(path.join(w2, 'base'));
    expect(m.adapters?.spec.rank).toBe(2);
    m.dispose();
  });

  it('LoRA on a full fine-tuning checkpoint uses its weights folder as the base', async () => {
    const s1 = await train(stage(tempDir('f1'), { kind: 'full' }, { kind: 'model', name: 'tinystories-260k', dir: BASE }, 1e-3));
    expect(fs.existsSync(path.join(s1.final, 'model.safetensors'))).toBe(true);
    expect(fs.existsSync(path.join(s1.final, 'config.json'))).toBe(true);
    const s2 = await train(stage(tempDir('f2'), LORA, { kind: 'checkpoint', name: 'general@final', dir: s1.final }, 5e-3));
    expect(readCheckpointMeta(s2.final).base).toMatchObject({ path: s1.final, derivedFrom: { how: 'full-weights' } });
    expect(s2.summary.base_valid!.loss).toBeCloseTo(s1.summary.final_valid!.loss, 4);
  });
});
