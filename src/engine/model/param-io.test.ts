/**
 * Parameters leave the model in exactly the Hugging Face layout they came in (transposed
 * projections and embeddings turned back), so checkpoints and merged exports load back unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../train/backend.ts';
import { randomTensors, initModel, PRESETS } from './init.ts';
import { buildModel, loadModel } from './load.ts';
import { memoryWeights } from './weights.ts';
import { exportHfTensors } from './param-io.ts';
import { writeSafetensors } from './safetensors.ts';

describe('exportHfTensors', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
  });

  for (const preset of ['stories260k', 'gpt2-tiny']) {
    it(`${preset}: every tensor comes back bit-identical in its HF shape`, async () => {
      const config = PRESETS[preset].config;
      const tensors = randomTensors(config, 11);
      const model = buildModel(config, memoryWeights(new Map(tensors.map((t) => [t.name, { shape: t.shape, data: t.data }]))));
      const out = await exportHfTensors(model);
      expect(out.map((t) => t.name).sort()).toEqual(tensors.map((t) => t.name).sort());
      for (const t of tensors) {
        const o = out.find((x) => x.name === t.name)!;
        expect(o.shape).toEqual(t.shape);
        expect(Buffer.from(o.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
      }
      model.dispose();
    });
  }

  it('a model saved from its exported tensors loads back with identical logits', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-export-'));
    await initModel({ arch: 'llama', preset: 'stories260k', out: path.join(dir, 'a'), seed: 5 });
    const a = loadModel(path.join(dir, 'a'));
    fs.cpSync(path.join(dir, 'a'), path.join(dir, 'b'), { recursive: true });
    await writeSafetensors(path.join(dir, 'b', 'model.safetensors'), await exportHfTensors(a.model));
    const b = loadModel(path.join(dir, 'b'));
    const ids = tf.tensor2d([[1, 50, 60, 70]], undefined, 'int32');
    expect(Array.from(b.model.forward(ids).dataSync())).toEqual(Array.from(a.model.forward(ids).dataSync()));
    a.dispose();
    b.dispose();
    fs.rmSync(dir, { recursive: true });
  });
});
