import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { REPO_ROOT } from '../../../tests/support/shared.ts';
import { initBackend } from '../train/backend.ts';
import { loadModel, type LoadedModel } from '../model/load.ts';
import { defaultStopIds, generate, generateBatch } from './generate.ts';
import { Rng, argmax, pickToken } from './sampling.ts';
import { StopMatcher } from './stop.ts';

const fixture = path.join(REPO_ROOT, 'tests/fixtures/gpt2');
const ref = JSON.parse(fs.readFileSync(path.join(fixture, 'reference.json'), 'utf8'));
const prompts: number[][] = ref.f32.map((c: { input_ids: number[] }) => c.input_ids);

describe('sampling', () => {
  it('argmax takes the lowest index on ties', () => {
    expect(argmax([1, 3, 3, 2])).toBe(1);
  });

  it('is deterministic per seed and follows the softmax distribution', () => {
    const logits = Float32Array.from([2, 1, 0, -1]);
    const draw = (seed: number, n: number, opts = { temperature: 1 }) => {
      const rng = new Rng(seed);
      return Array.from({ length: n }, () => pickToken(logits, opts, rng));
    };
    expect(draw(7, 50)).toEqual(draw(7, 50));
    expect(draw(7, 50)).not.toEqual(draw(8, 50));
    const n = 20000;
    const counts = [0, 0, 0, 0];
    for (const t of draw(1, n)) counts[t]++;
    const z = [2, 1, 0, -1].reduce((s, l) => s + Math.exp(l), 0);
    counts.forEach((c, i) => expect(Math.abs(c / n - Math.exp([2, 1, 0, -1][i]) / z)).toBeLessThan(0.015));
  });

  it('top-k and top-p restrict the candidates; temperature 0 is greedy', () => {
    const logits = Float32Array.from([0.5, 3, 2.9, -4, 1]);
    const rng = new Rng(3);
    const seen = (opts: object) => new Set(Array.from({ length: 400 }, () => pickToken(logits, opts, rng)));
    expect([...seen({ temperature: 1, topK: 2 })].sort()).toEqual([1, 2]);
    expect([...seen({ temperature: 1, topK: 1 })]).toEqual([1]);
    expect([...seen({ temperature: 1, topP: 0.3 })]).toEqual([1]); // p(1) ≈ 0.47 alone reaches 0.3
    expect([...seen({ temperature: 0 })]).toEqual([1]);
  });
});

describe('stop sequences', () => {
  it('finds the earliest stop and holds back text that may become one', () => {
    const m = new StopMatcher(['\nUser:', '###']);
    expect(m.check('Hello\nUser: hi')).toMatchObject({ stopAt: 5, stop: '\nUser:', safeLength: 5 });
    expect(m.check('Hello\nUs')).toMatchObject({ stopAt: -1, safeLength: 5 });
    expect(m.check('Hello #')).toMatchObject({ stopAt: -1, safeLength: 6 });
    expect(m.check('Hello')).toMatchObject({ stopAt: -1, safeLength: 5 });
    expect(m.check('caf\ufffd')).toMatchObject({ safeLength: 3 });
  });
});

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`generation on ${backend}`, () => {
    let lm: LoadedModel;
    beforeAll(async () => {
      await initBackend({ backend, threads: 1 });
      lm = loadModel(path.join(fixture, 'model'));
    });
    afterAll(() => lm.dispose());

    it('the KV cache gives the logits of full recomputation at every step', () => {
      const ids = prompts[1];
      const cache = lm.model.newCache(1);
      tf.tidy(() => {
        lm.model.hidden(tf.tensor2d([ids.slice(0, 5)], undefined, 'int32'), { cache });
        for (let t = 5; t < ids.length; t++) {
          const stepped = lm.model.logits(lm.model.hidden(tf.tensor2d([[ids[t]]], undefined, 'int32'), { cache })).dataSync();
          const full = lm.model.forward(tf.tensor2d([ids.slice(0, t + 1)], undefined, 'int32')).dataSync();
          const last = full.slice(t * stepped.length);
          let d = 0;
          for (let i = 0; i < stepped.length; i++) d = Math.max(d, Math.abs(stepped[i] - last[i]));
          expect(d).toBeLessThan(1e-4);
        }
      });
      expect(cache.length).toBe(ids.length);
      cache.dispose();
    });

    it('tf.memory().numTensors does not grow across generation steps', async () => {
      await generate(lm, prompts[0], { maxTokens: 2 }); // warm-up: lazily built tables
      const before = tf.memory().numTensors;
      const during: number[] = [];
      const r = await generate(lm, prompts[0], { maxTokens: 12, stopTokenIds: [], temperature: 0.7, seed: 1, onToken: (e) => e.id >= 0 && during.push(tf.memory().numTensors) });
      expect(r.ids).toHaveLength(12);
      expect(new Set(during.slice(1)).size).toBe(1); // the cache is replaced, not accumulated
      expect(tf.memory().numTensors).toBe(before);
    });

    it('batched generation with left padding equals one prompt at a time', async () => {
      const { results } = await generateBatch(lm, prompts, { maxTokens: 8, stopTokenIds: [] });
      results.forEach((r, i) => expect(r.ids).toEqual(ref.f32[i].greedy_new_ids.slice(0, 8)));
      const sampled = await generateBatch(lm, prompts, { maxTokens: 6, stopTokenIds: [], temperature: 1, seed: 5 });
      for (let i = 0; i < prompts.length; i++) {
        const single = await generate(lm, prompts[i], { maxTokens: 6, stopTokenIds: [], temperature: 1, seed: 5 + i });
        expect(sampled.results[i].ids).toEqual(single.ids);
      }
    });

    it('a seed reproduces a sampled generation; top_k = 1 is greedy', async () => {
      const a = await generate(lm, prompts[0], { maxTokens: 10, stopTokenIds: [], temperature: 1.2, topP: 0.95, seed: 42 });
      const b = await generate(lm, prompts[0], { maxTokens: 10, stopTokenIds: [], temperature: 1.2, topP: 0.95, seed: 42 });
      expect(a.ids).toEqual(b.ids);
      const k1 = await generate(lm, prompts[2], { maxTokens: 12, stopTokenIds: [], temperature: 1, topK: 1, seed: 9 });
      expect(k1.ids).toEqual(ref.f32[2].greedy_new_ids);
    });

    it('stops on a stop token id (not included) and by default on eos / bos', async () => {
      // greedy after "a cat": 0, 0, 0, 265, …
      const r = await generate(lm, prompts[2], { maxTokens: 12, stopTokenIds: [265] });
      expect(r).toMatchObject({ ids: [0, 0, 0], finishReason: 'stop', stoppedBy: 265 });
      expect(defaultStopIds(lm.generation)).toEqual([280]);
    });

    it('stop sequences cut the text; streamed deltas add up to it', async () => {
      const full = await generate(lm, prompts[1], { maxTokens: 12, stopTokenIds: [] });
      expect(full.text.length).toBeGreaterThan(6);
      const stop = full.text.slice(Math.floor(full.text.length / 2), Math.floor(full.text.length / 2) + 2);
      let streamed = '';
      const r = await generate(lm, prompts[1], { maxTokens: 12, stopTokenIds: [], stop: [stop], onToken: (e) => { streamed += e.text; } });
      expect(r.finishReason).toBe('stop');
      expect(r.stoppedBy).toBe(stop);
      expect(r.text).toBe(full.text.slice(0, full.text.indexOf(stop)));
      expect(r.ids.length).toBeLessThan(12);
      expect(streamed).toBe(r.text);
      let all = '';
      await generate(lm, prompts[1], { maxTokens: 12, stopTokenIds: [], onToken: (e) => { all += e.text; } });
      expect(all).toBe(full.text);
    });
  });
}
