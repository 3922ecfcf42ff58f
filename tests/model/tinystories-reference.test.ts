/**
 * Numerics of the Llama implementation against PyTorch (llama2.c's model.py on the original
 * checkpoint): ../shared/models/tinystories-260k/reference.json. Logits and loss within 1e-4,
 * greedy continuations identical, with the KV cache and with full recomputation, batched and
 * single, on the WASM and the CPU backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describeShared, shared } from '../support/shared.ts';
import { initBackend } from '../../src/engine/train/backend.ts';
import { loadModel, type LoadedModel } from '../../src/engine/model/load.ts';
import { headCrossEntropy, nextTokenTargets } from '../../src/engine/model/loss.ts';
import { generate, generateBatch } from '../../src/engine/generate/generate.ts';

interface Prompt {
  id: string;
  text: string;
  input_ids: number[];
  final_logits: number[];
  loss: number;
  greedy_new_ids: number[];
  greedy_text: string;
}

const dir = shared('models', 'tinystories-260k');

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describeShared('tinystories-260k against the PyTorch reference', () => {
  const ref = fs.existsSync(dir) ? JSON.parse(fs.readFileSync(`${dir}/reference.json`, 'utf8')) : { prompts: [] };
  const prompts: Prompt[] = ref.prompts;

  for (const backend of ['wasm', 'cpu'] as const) {
    describe(`${backend} backend`, () => {
      let lm: LoadedModel;
      beforeAll(async () => {
        await initBackend({ backend, threads: 1 });
        lm = loadModel(dir);
      });
      afterAll(() => lm.dispose());

      it('loads every tensor and reports none unused', () => {
        expect(lm.unusedTensors).toEqual([]);
        expect(lm.model.parameterCount()).toBe(260032);
        expect(tf.getBackend()).toBe(backend);
      });

      for (const p of prompts) {
        it(`${p.id}: final logits within 1e-4 and loss within 1e-4`, () => {
          const ids = tf.tensor2d([p.input_ids], undefined, 'int32');
          const logits = lm.model.forward(ids);
          const t = p.input_ids.length;
          const v = logits.shape[2];
          const last = (logits.dataSync() as Float32Array).slice((t - 1) * v, t * v);
          const d = maxAbsDiff(last, p.final_logits);
          expect(d).toBeLessThan(1e-4);
          const hidden = lm.model.hidden(ids);
          const { targets, weights } = nextTokenTargets([p.input_ids]);
          const loss = headCrossEntropy(lm.model, hidden, targets, weights);
          expect(Math.abs(loss.dataSync()[0] - p.loss)).toBeLessThan(1e-4);
          tf.dispose([ids, logits, hidden, loss]);
        });

        it(`${p.id}: greedy continuation identical, with and without the KV cache`, async () => {
          for (const useCache of [true, false]) {
            const r = await generate(lm, p.input_ids, { maxTokens: 32, stopTokenIds: [], useCache });
            expect(r.ids).toEqual(p.greedy_new_ids);
            expect(r.text).toBe(p.greedy_text);
            expect(r.finishReason).toBe('length');
          }
        });
      }

      it('bos_only_greedy: 64 tokens after <s> alone', async () => {
        const r = await generate(lm, ref.bos_only_greedy.input_ids, { maxTokens: 64, stopTokenIds: [] });
        expect(r.ids).toEqual(ref.bos_only_greedy.greedy_new_ids);
        expect(r.text).toBe(ref.bos_only_greedy.greedy_text);
      });

      it('batched generation with left padding gives each prompt its own greedy ids', async () => {
        const { results } = await generateBatch(lm, prompts.map((p) => p.input_ids), { maxTokens: 32, stopTokenIds: [] });
        results.forEach((r, i) => expect(r.ids).toEqual(prompts[i].greedy_new_ids));
      });
    });
  }
});
