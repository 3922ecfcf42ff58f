/**
 * The door for model folders: read what a Hugging Face folder holds (cheap, no weights) and load
 * it into a CausalLM with its tokenizer, chat template and generation defaults.
 */
import path from 'node:path';
import { ConfigError, type ModelConfig } from './config.ts';
import { folderWeights, type WeightSource } from './weights.ts';
import { readModelFolder, type GenerationDefaults, type ModelFolder } from './folder.ts';
import { LlamaModel } from './llama.ts';
import { Gpt2Model } from './gpt2.ts';
import type { CausalLM } from './causal-lm.ts';
import { loadTokenizer, type TextTokenizer } from './tokenizer.ts';
import { ChatTemplate } from './chat-template.ts';

export { isModelFolder, readModelFolder, type GenerationDefaults, type ModelFolder } from './folder.ts';

/** Builds the architecture for `config` from tensors in `src`. */
export function buildModel(config: ModelConfig, src: WeightSource): CausalLM & { unusedTensors: string[] } {
  return config.arch === 'llama' ? new LlamaModel(config, src) : new Gpt2Model(config, src);
}

export interface LoadedModel {
  folder: ModelFolder;
  model: CausalLM;
  /** Null only when loaded with { tokenizer: 'optional' } from a folder without tokenizer.json. */
  tokenizer: TextTokenizer | null;
  chat: ChatTemplate | null;
  generation: GenerationDefaults;
  /** Tensors in the files that the architecture does not use. */
  unusedTensors: string[];
  loadMs: number;
  dispose(): void;
}

/**
 * Loads a model folder onto the current TensorFlow.js backend (call initBackend first).
 * Tokenizer: required by default; 'optional' allows folders without one (logits from ids).
 */
export function loadModel(dir: string, opts: { tokenizer?: 'required' | 'optional' } = {}): LoadedModel {
  const t0 = performance.now();
  const folder = readModelFolder(dir);
  let tokenizer: TextTokenizer | null = null;
  if (folder.hasTokenizer || opts.tokenizer !== 'optional') tokenizer = loadTokenizer(folder.dir);
  if (tokenizer && tokenizer.vocabSize > folder.config.vocabSize) {
    throw new ConfigError(path.join(folder.dir, 'config.json'), 'vocab_size', `(${folder.config.vocabSize}) is smaller than the tokenizer's ${tokenizer.vocabSize} tokens`);
  }
  const model = buildModel(folder.config, folderWeights(folder.dir));
  const generation = { ...folder.generation };
  if (tokenizer?.eos && !generation.eosTokenIds.includes(tokenizer.eos.id)) generation.eosTokenIds = [...generation.eosTokenIds, tokenizer.eos.id];
  if (generation.bosTokenId === null && tokenizer?.bos) generation.bosTokenId = tokenizer.bos.id;
  return {
    folder,
    model,
    tokenizer,
    chat: tokenizer ? new ChatTemplate(tokenizer) : null,
    generation,
    unusedTensors: model.unusedTensors,
    loadMs: performance.now() - t0,
    dispose: () => model.dispose()
  };
}
