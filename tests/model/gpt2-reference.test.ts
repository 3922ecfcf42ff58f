/**
 * The GPT-2 implementation against a plain-PyTorch GPT-2 (tests/fixtures/gpt2/make_reference.py,
 * Hugging Face conventions): F32 single file and BF16 sharded copies, logits within 1e-4, loss
 * within 1e-4, greedy ids identical, on the WASM and the CPU backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { REPO_ROOT } from '../support/shared.ts';
import { initBackend } from '../../src/engine/train/backend.ts';
import { loadModel, type LoadedModel } from '../../src/engine/model/load.ts';
import { headCrossEntropy, nextTokenTargets } from '../../src/engine/model/loss.ts';
import { generate } from '../../src/engine/generate/generate.ts';

const fixtures = path.join(REPO_ROOT, 'tests/fixtures/gpt2');
const ref = JSON.parse(fs.readFileSync(path.join(fixtures, 'reference.json'), 'utf8'));

interface Case {
  text: string;
  input_ids: number[];
  final_logits: number[];
  loss: number;
  greedy_new_ids: number[];
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`GPT-2 against PyTorch (${backend})`, () => {
    beforeAll(async () => {
      await initBackend({ backend, threads: 1 });
    });

    for (const [folder, cases] of [['model', ref.f32], ['model-bf16-sharded', ref.bf16_sharded]] as [string, Case[]][]) {
      describe(folder, () => {
        let lm: LoadedModel;
        beforeAll(() => {
          lm = loadModel(path.join(fixtures, folder), { tokenizer: 'optional' });
        });
        afterAll(() => lm.dispose());

        it('loads the config and every tensor', () => {
          expect(lm.model.arch).toBe('gpt2');
          expect(lm.unusedTensors).toEqual([]);
          expect(lm.tokenizer === null).toBe(folder !== 'model');
        });

        for (const c of cases) {
          it(`"${c.text}": logits, loss and greedy ids`, async () => {
            const ids = tf.tensor2d([c.input_ids], undefined, 'int32');
            const t = c.input_ids.length;
            const logits = lm.model.forward(ids);
            const v = logits.shape[2];
            const last = logits.dataSync().slice((t - 1) * v, t * v);
            let d = 0;
            for (let i = 0; i < v; i++) d = Math.max(d, Math.abs(last[i] - c.final_logits[i]));
            expect(d).toBeLessThan(1e-4);
            const hidden = lm.model.hidden(ids);
            const { targets, weights } = nextTokenTargets([c.input_ids]);
            const loss = headCrossEntropy(lm.model, hidden, targets, weights);
            expect(Math.abs(loss.dataSync()[0] - c.loss)).toBeLessThan(1e-4);
            tf.dispose([ids, logits, hidden, loss]);
            const g = await generate(lm, c.input_ids, { maxTokens: c.greedy_new_ids.length, stopTokenIds: [] });
            expect(g.ids).toEqual(c.greedy_new_ids);
          });
        }
      });
    }
  });
}
