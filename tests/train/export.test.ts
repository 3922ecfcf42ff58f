/**
 * Exports of a trained checkpoint: a PEFT adapter (names, layouts, config fields), a merged
 * Hugging Face folder that loads back with the adapted model's logits (within 1e-4), and an INT8
 * folder that loads back with a reported size reduction and validation-loss change. A GPT-2
 * (Conv1D) model goes through training and the merged export too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { describeShared } from '../support/shared.ts';
import { initBackend } from '../../src/engine/train/backend.ts';
import { train, type TrainResult } from '../../src/engine/train/trainer.ts';
import { defaultTrainParams } from '../../src/engine/train/config.ts';
import { exportCheckpoint, ExportError } from '../../src/engine/train/export.ts';
import { loadTrainedModel } from '../../src/engine/train/load-trained.ts';
import { loadModel } from '../../src/engine/model/load.ts';
import { initModel } from '../../src/engine/model/init.ts';
import { readSafetensors } from '../../src/engine/model/safetensors.ts';
import type { CausalLM } from '../../src/engine/model/causal-lm.ts';
import { BASE, banking, removeDir, tempDir } from './helpers.ts';

const dirs: string[] = [];
const dir = (label: string) => {
  const d = tempDir(label);
  dirs.push(d);
  return d;
};

function logits(m: CausalLM, ids: number[]): tf.Tensor {
  return m.forward(tf.tensor2d([ids], [1, ids.length], 'int32'));
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describeShared('export', () => {
  let lora: TrainResult;
  const valid = banking(600, 640);

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    lora = await train({
      params: defaultTrainParams({ method: { kind: 'lora', rank: 4, alpha: 8, dropout: 0, targets: ['q_proj', 'v_proj', 'down_proj'], base_precision: 'float32' }, epochs: 1, batch_size: 8, max_steps: 6, learning_rate: { mode: 'fixed', value: 1e-2 } }),
      base: { kind: 'model', name: 'tinystories-260k', dir: BASE },
      train: banking(0, 48),
      validation: valid,
      workDir: dir('ck')
    });
  });
  afterAll(() => dirs.forEach(removeDir));

  it('adapter: a PEFT folder with PEFT names, layouts and config fields', async () => {
    const out = path.join(dir('ad'), 'adapter');
    const r = await exportCheckpoint({ source: lora.final, format: 'adapter', out });
    expect(r.files.map((f) => f.name)).toEqual(['adapter_config.json', 'adapter_model.safetensors']);
    const cfg = JSON.parse(fs.readFileSync(path.join(out, 'adapter_config.json'), 'utf8'));
    expect(cfg).toMatchObject({ peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 4, lora_alpha: 8, lora_dropout: 0, bias: 'none', target_modules: ['q_proj', 'v_proj', 'down_proj'], base_model_name_or_path: BASE, fan_in_fan_out: false });
    expect(cfg.trainable_token_indices.embed_tokens).toContain(2);
    const st = readSafetensors(path.join(out, 'adapter_model.safetensors'));
    const shape = (n: string) => st.entries.get(n)?.shape;
    expect(shape('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight')).toEqual([4, 64]);
    expect(shape('base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight')).toEqual([64, 4]);
    expect(shape('base_model.model.model.layers.4.self_attn.v_proj.lora_B.weight')).toEqual([32, 4]);
    expect(shape('base_model.model.model.layers.4.mlp.down_proj.lora_A.weight')).toEqual([4, 172]);
    expect(shape('base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta')).toEqual([cfg.trainable_token_indices.embed_tokens.length, 64]);
    expect(st.entries.size).toBe(5 * 3 * 2 + 1);
    // The exported adapter loads back onto its base as the same model.
    const a = loadTrainedModel(lora.final);
    const b = loadTrainedModel(out);
    const ids = a.chat!.encode(valid[0]);
    expect(maxDiff(logits(a.model, ids), logits(b.model, ids))).toBe(0);
    a.dispose();
    b.dispose();
  });

  it('merged: a Hugging Face folder with the adapted model’s logits (within 1e-4)', async () => {
    const out = path.join(dir('mg'), 'merged');
    const r = await exportCheckpoint({ source: lora.final, format: 'merged', out });
    expect(r.files.map((f) => f.name)).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    const adapted = loadTrainedModel(lora.final);
    const merged = loadModel(out);
    let worst = 0;
    for (const conv of valid.slice(0, 4)) {
      const ids = adapted.chat!.encode(conv);
      worst = Math.max(worst, maxDiff(logits(adapted.model, ids), logits(merged.model, ids)));
    }
    expect(worst).toBeLessThan(1e-4);
    const base = loadModel(BASE);
    const ids = base.chat!.encode(valid[0]);
    expect(maxDiff(logits(base.model, ids), logits(merged.model, ids))).toBeGreaterThan(1e-2);
    [adapted, merged, base].forEach((m) => m.dispose());
  });

  it('int8: per-channel INT8 weights that load back, with the size reduction and the validation-loss change', async () => {
    const out = path.join(dir('i8'), 'int8');
    const r = await exportCheckpoint({ source: lora.final, format: 'int8', out, validation: valid });
    const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(cfg.quantization_config).toMatchObject({ quant_method: 'tunebench-int8', bits: 8, granularity: 'per-output-channel' });
    const st = readSafetensors(path.join(out, 'model.safetensors'));
    expect(st.entries.get('model.layers.0.mlp.up_proj.weight')).toMatchObject({ dtype: 'I8', shape: [172, 64] });
    expect(st.entries.get('model.layers.0.mlp.up_proj.weight_scale')).toMatchObject({ dtype: 'F32', shape: [172] });
    expect(st.entries.get('model.norm.weight')).toMatchObject({ dtype: 'F32' });
    expect(r.size!.reduction).toBeGreaterThan(0.7);
    expect(r.size!.int8_bytes).toBeLessThan(r.size!.float32_bytes / 3.5);
    expect(r.valid_loss!.examples).toBe(40);
    expect(Math.abs(r.valid_loss!.change)).toBeLessThan(0.05);
    const m = loadModel(out);
    expect(m.unusedTensors).toEqual([]);
    const merged = loadTrainedModel(lora.final, { merge: true });
    const ids = m.chat!.encode(valid[1]);
    const d = maxDiff(logits(m.model, ids), logits(merged.model, ids));
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(0.5);
    m.dispose();
    merged.dispose();
  });

  it('a full fine-tuning checkpoint has no adapter to export', async () => {
    const full = await train({
      params: defaultTrainParams({ method: { kind: 'full' }, epochs: 1, batch_size: 8, max_steps: 1, learning_rate: { mode: 'fixed', value: 1e-4 } }),
      base: { kind: 'model', name: 'tinystories-260k', dir: BASE },
      train: banking(0, 8),
      workDir: dir('full')
    });
    await expect(exportCheckpoint({ source: full.final, format: 'adapter', out: path.join(dir('x'), 'a') })).rejects.toThrow(ExportError);
    const out = path.join(dir('fm'), 'merged');
    await exportCheckpoint({ source: full.final, format: 'merged', out });
    const a = loadModel(full.final);
    const b = loadModel(out);
    const ids = a.chat!.encode(valid[0]);
    expect(maxDiff(logits(a.model, ids), logits(b.model, ids))).toBe(0);
  });

  it('GPT-2: LoRA on the Conv1D c_attn trains, checkpoints as PEFT (fan_in_fan_out) and merges', async () => {
    const model = (await initModel({ arch: 'gpt2', preset: 'gpt2-tiny', out: path.join(dir('g'), 'gpt2-tiny'), seed: 4 })).dir;
    const res = await train({
      params: defaultTrainParams({ method: { kind: 'lora', rank: 4, alpha: 8, dropout: 0, targets: [], base_precision: 'float32' }, epochs: 1, batch_size: 4, max_steps: 2, max_length: 128, learning_rate: { mode: 'fixed', value: 1e-2 } }),
      base: { kind: 'model', name: 'gpt2-tiny', dir: model },
      train: banking(0, 8).map((c) => c.filter((m) => m.role !== 'system')),
      workDir: dir('gw')
    });
    const cfg = JSON.parse(fs.readFileSync(path.join(res.final, 'adapter_config.json'), 'utf8'));
    expect(cfg).toMatchObject({ target_modules: ['c_attn'], fan_in_fan_out: true });
    const st = readSafetensors(path.join(res.final, 'adapter_model.safetensors'));
    expect(st.entries.get('base_model.model.transformer.h.1.attn.c_attn.lora_B.weight')?.shape).toEqual([192, 4]);
    const out = path.join(dir('gm'), 'merged');
    await exportCheckpoint({ source: res.final, format: 'merged', out });
    const a = loadTrainedModel(res.final);
    const b = loadModel(out);
    const ids = [1, 60, 70, 80, 90, 100];
    expect(maxDiff(logits(a.model, ids), logits(b.model, ids))).toBeLessThan(1e-4);
    expect(maxDiff(a.model.forward(tf.tensor2d([ids], [1, 6], 'int32')), loadModel(model).model.forward(tf.tensor2d([ids], [1, 6], 'int32')))).toBeGreaterThan(0);
  });
});
