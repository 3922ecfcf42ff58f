/**
 * The quality bar: LoRA fine-tuning of the real tinystories-260k on real conversations (banking77:
 * a system prompt, a customer's question, the intent label as the answer; the 10 first intents,
 * 960 training conversations, one epoch of 60 steps) lowers the validation loss by at least 30%,
 * and the fine-tuned model's greedy answers follow the dataset's format where the base model's do
 * not.
 *
 * "Follows the format" means: generation ends by emitting </s> (the end of the assistant turn in
 * the chat template) within 48 tokens (the longest label is 33), and the answer, trimmed, is one of banking77's 77 intent
 * labels (snake_case names such as card_arrival) — not free text.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared } from '../support/shared.ts';
import { initBackend } from '../../src/engine/train/backend.ts';
import { train } from '../../src/engine/train/trainer.ts';
import { defaultTrainParams } from '../../src/engine/train/config.ts';
import { loadTrainedModel } from '../../src/engine/train/load-trained.ts';
import { loadModel, type LoadedModel } from '../../src/engine/model/load.ts';
import { generateBatch } from '../../src/engine/generate/generate.ts';
import type { ChatMessage } from '../../src/engine/model/chat-template.ts';
import { BASE, banking, bankingLabels, removeDir, tempDir } from './helpers.ts';

const work = tempDir('quality');

async function answers(m: LoadedModel, conversations: ChatMessage[][]) {
  const prompts = conversations.map((c) => m.chat!.encode(c.slice(0, -1), { addGenerationPrompt: true }));
  const { results } = await generateBatch(m, prompts, { maxTokens: 48, temperature: 0, stopTokenIds: m.generation.eosTokenIds });
  return results;
}

describeShared('quality bar: LoRA on banking77', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(() => removeDir(work));

  it('lowers validation loss by ≥ 30% and makes greedy answers intent labels that end the turn', async () => {
    const labels = bankingLabels();
    const validation = banking(1736, 1836);
    const res = await train({
      params: defaultTrainParams({
        method: { kind: 'lora', rank: 16, alpha: 32, dropout: 0.05, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'], base_precision: 'float32' },
        epochs: 1,
        batch_size: 16,
        learning_rate: { mode: 'fixed', value: 5e-3 },
        warmup: { unit: 'steps', value: 5 },
        seed: 1
      }),
      base: { kind: 'model', name: 'tinystories-260k', dir: BASE },
      train: banking(0, 960),
      validation,
      workDir: work
    });
    const s = res.summary;
    expect(s.steps).toBe(60);
    const reduction = 1 - s.final_valid!.loss / s.base_valid!.loss;
    expect(reduction).toBeGreaterThanOrEqual(0.3);

    const probe = validation.slice(0, 40);
    const follows = (r: { text: string; finishReason: string }) => r.finishReason === 'stop' && labels.has(r.text.trim());
    const base = loadModel(BASE);
    const before = await answers(base, probe);
    base.dispose();
    const tuned = loadTrainedModel(res.final, { merge: true });
    const after = await answers(tuned, probe);
    tuned.dispose();
    const rate = (rs: typeof after) => rs.filter(follows).length / rs.length;
    const correct = after.filter((r, i) => r.text.trim() === probe[i].at(-1)!.content).length / probe.length;
    console.log(
      `banking77 LoRA: valid loss ${s.base_valid!.loss.toFixed(3)} → ${s.final_valid!.loss.toFixed(3)} (−${(reduction * 100).toFixed(0)}%), ` +
        `format ${(rate(before) * 100).toFixed(0)}% → ${(rate(after) * 100).toFixed(0)}%, right intent ${(correct * 100).toFixed(0)}% (chance 10%); ` +
        `base says ${JSON.stringify(before[0].text)}, tuned says ${JSON.stringify(after[0].text)}`
    );
    for (const r of after.filter((x) => !follows(x)).slice(0, 6)) console.log("not following:", JSON.stringify(r.text), r.finishReason);
    expect(rate(before)).toBe(0);
    expect(rate(after)).toBeGreaterThanOrEqual(0.9);
    expect(correct).toBeGreaterThan(0.2);
  }, 240_000);
});
