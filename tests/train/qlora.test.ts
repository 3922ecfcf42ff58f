/**
 * QLoRA-style training (frozen base in INT8 + LoRA) against plain LoRA on tinystories-260k with
 * the same data, seed and steps: it saves 3 of every 4 bytes of the base projections and ends
 * within a small validation-loss difference of plain LoRA. Both figures are in the summary.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared } from '../support/shared.ts';
import { initBackend } from '../../src/engine/train/backend.ts';
import { train } from '../../src/engine/train/trainer.ts';
import { defaultTrainParams } from '../../src/engine/train/config.ts';
import { BASE, banking, removeDir, tempDir } from './helpers.ts';

const dirs: string[] = [];

describeShared('QLoRA-style training', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(() => dirs.forEach(removeDir));

  it('holds the base in INT8, reports the bytes saved, and trains about as well as plain LoRA', async () => {
    const run = async (precision: 'float32' | 'int8') => {
      const w = tempDir(`q-${precision}`);
      dirs.push(w);
      return train({
        params: defaultTrainParams({
          method: { kind: 'lora', rank: 8, alpha: 16, dropout: 0, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'], base_precision: precision },
          epochs: 1,
          batch_size: 16,
          max_steps: 12,
          learning_rate: { mode: 'fixed', value: 5e-3 },
          seed: 3
        }),
        base: { kind: 'model', name: 'tinystories-260k', dir: BASE },
        train: banking(0, 240),
        validation: banking(600, 648),
        workDir: w
      });
    };
    const plain = await run('float32');
    const q = await run('int8');
    const r = q.summary.quantization!;
    // Five layers of q (64×64), k, v (64×32 each), o (64×64), gate, up (64×172), down (172×64).
    const weights = 5 * (64 * 64 * 2 + 64 * 32 * 2 + 64 * 172 * 3);
    const scales = 5 * (64 + 32 + 32 + 64 + 172 + 172 + 64); // one per output channel
    expect(r).toMatchObject({ layers: 35, float32_bytes: weights * 4, int8_bytes: weights + scales * 4 });
    expect(r.saved_bytes).toBe(weights * 3 - scales * 4);
    expect(plain.summary.quantization).toBeNull();
    // Quantising the base costs little, before and after training.
    expect(Math.abs((r.base_valid_loss_int8 as number) - (r.base_valid_loss_float32 as number))).toBeLessThan(0.05);
    expect(q.summary.final_valid!.loss).toBeCloseTo(r.valid_loss_int8_base as number, 4);
    const lossDiff = q.summary.final_valid!.loss - plain.summary.final_valid!.loss;
    expect(Math.abs(lossDiff)).toBeLessThan(0.1 * plain.summary.final_valid!.loss);
    expect(q.summary.final_valid!.loss).toBeLessThan(0.5 * q.summary.base_valid!.loss);
    console.log(`LoRA ${plain.summary.final_valid!.loss.toFixed(4)}, QLoRA ${q.summary.final_valid!.loss.toFixed(4)} (difference ${lossDiff.toFixed(4)}), base bytes saved ${r.saved_bytes}`);
  });
});
