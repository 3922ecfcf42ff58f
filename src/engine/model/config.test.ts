import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, configToJson, parseModelConfig } from './config.ts';
import { ropeInvFreq } from './rope.ts';
import { REPO_ROOT } from '../../../tests/support/shared.ts';

const llama = { model_type: 'llama', hidden_size: 64, intermediate_size: 172, num_hidden_layers: 5, num_attention_heads: 8, num_key_value_heads: 4, vocab_size: 512 };

describe('config.json', () => {
  it('parses a Llama config with transformers defaults', () => {
    const c = parseModelConfig(llama);
    expect(c.arch).toBe('llama');
    if (c.arch !== 'llama') return;
    expect(c.headDim).toBe(8);
    expect(c.ropeTheta).toBe(10000);
    expect(c.rmsNormEps).toBe(1e-6);
    expect(c.tieWordEmbeddings).toBe(false);
    expect(c.maxPositions).toBe(2048);
  });

  it('parses GPT-2 fields (n_embd, n_layer, n_head, n_positions, layer_norm_epsilon, activation)', () => {
    const c = parseModelConfig({ model_type: 'gpt2', n_embd: 32, n_layer: 2, n_head: 4, n_positions: 64, vocab_size: 100, eos_token_id: 99 });
    expect(c).toMatchObject({ arch: 'gpt2', hiddenSize: 32, intermediateSize: 128, numLayers: 2, numHeads: 4, maxPositions: 64, layerNormEps: 1e-5, activation: 'gelu_new', tieWordEmbeddings: true, eosTokenIds: [99] });
  });

  it('reads rope_scaling (llama3 and linear; the old "type" key too) and refuses unknown types', () => {
    const l3 = parseModelConfig({ ...llama, rope_scaling: { rope_type: 'llama3', factor: 32, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 } });
    expect(l3.arch === 'llama' && l3.ropeScaling).toEqual({ type: 'llama3', factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 });
    const lin = parseModelConfig({ ...llama, rope_scaling: { type: 'linear', factor: 2 } });
    expect(lin.arch === 'llama' && lin.ropeScaling).toEqual({ type: 'linear', factor: 2 });
    expect(() => parseModelConfig({ ...llama, rope_scaling: { rope_type: 'yarn', factor: 4 } }, '/m/config.json')).toThrow(/^\/m\/config\.json: field 'rope_scaling' type "yarn" is not supported/);
  });

  const bad: [string, object, RegExp][] = [
    ['unknown model type', { model_type: 'bert' }, /field 'model_type' "bert" is not supported/],
    ['missing field', { ...llama, intermediate_size: undefined }, /field 'intermediate_size' is missing/],
    ['bad value', { ...llama, num_hidden_layers: 'five' }, /field 'num_hidden_layers' must be an integer/],
    ['kv heads not dividing heads', { ...llama, num_key_value_heads: 3 }, /field 'num_key_value_heads' \(3\) must divide num_attention_heads \(8\)/],
    ['unsupported activation', { model_type: 'gpt2', activation_function: 'relu' }, /field 'activation_function' "relu" is not supported/]
  ];
  for (const [what, raw, msg] of bad) {
    it(`rejects ${what} with the file and field`, () => {
      expect(() => parseModelConfig(raw, 'x/config.json')).toThrow(ConfigError);
      expect(() => parseModelConfig(raw, 'x/config.json')).toThrow(msg);
    });
  }

  it('configToJson round-trips through parseModelConfig', () => {
    for (const raw of [{ ...llama, rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 }, tie_word_embeddings: true, eos_token_id: [2, 3] }, { model_type: 'gpt2', n_embd: 32, n_layer: 2, n_head: 4 }]) {
      const c = parseModelConfig(raw);
      expect(parseModelConfig(configToJson(c))).toEqual(c);
    }
  });
});

describe('RoPE frequencies', () => {
  const ref = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tests/fixtures/gpt2/reference.json'), 'utf8'));
  for (const c of ref.rope_inv_freq as { head_dim: number; rope_theta: number; rope_scaling: Record<string, number> | null; inv_freq: number[] }[]) {
    it(`match transformers for ${c.rope_scaling ? c.rope_scaling.rope_type : 'default'} scaling`, () => {
      const cfg = parseModelConfig({ ...llama, hidden_size: c.head_dim * 8, head_dim: c.head_dim, rope_theta: c.rope_theta, rope_scaling: c.rope_scaling });
      if (cfg.arch !== 'llama') throw new Error('llama expected');
      const ours = ropeInvFreq(cfg.headDim, cfg.ropeTheta, cfg.ropeScaling);
      expect(ours.length).toBe(c.inv_freq.length);
      c.inv_freq.forEach((v, i) => expect(Math.abs(ours[i] - v) / v).toBeLessThan(1e-12));
    });
  }
});
