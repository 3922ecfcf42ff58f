/** The one training configuration resume.test.ts runs, killed and whole. */
import path from 'node:path';
import { defaultTrainParams } from '../../src/engine/train/config.ts';
import { metricsFile } from '../../src/engine/train/metrics.ts';
import type { TrainOptions } from '../../src/engine/train/trainer.ts';
import { BASE, banking } from './helpers.ts';

export function resumeOptions(workDir: string): TrainOptions {
  return {
    params: defaultTrainParams({
      method: { kind: 'lora', rank: 4, alpha: 8, dropout: 0.1, targets: ['q_proj', 'v_proj'], base_precision: 'float32' },
      epochs: 3,
      batch_size: 4,
      learning_rate: { mode: 'fixed', value: 5e-3 },
      warmup: { unit: 'steps', value: 2 },
      seed: 5
    }),
    base: { kind: 'model', name: 'tinystories-260k', dir: BASE },
    train: banking(0, 24),
    validation: banking(600, 612),
    workDir,
    metrics: metricsFile(path.join(workDir, 'metrics.jsonl'))
  };
}
