/**
 * What a Hugging Face model folder holds, read cheaply (config.json, generation_config.json, the
 * weight file list): no tensors, no TensorFlow.js. Used by the registry and by load.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseModelConfig, ConfigError, type ModelConfig } from './config.ts';
import { weightFiles } from './weights.ts';

/** generation_config.json merged with config.json and the tokenizer's special tokens. */
export interface GenerationDefaults {
  bosTokenId: number | null;
  /** Every id that ends generation (eos from generation_config, config and tokenizer). */
  eosTokenIds: number[];
  padTokenId: number | null;
  maxLength: number | null;
  doSample: boolean;
  temperature: number | null;
  topP: number | null;
  topK: number | null;
}

export interface ModelFolder {
  dir: string;
  config: ModelConfig;
  generation: GenerationDefaults;
  weightFiles: string[];
  weightBytes: number;
  hasTokenizer: boolean;
}

function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(file, null, fs.existsSync(file) ? `is not valid JSON: ${(e as Error).message}` : 'is missing');
  }
}

function ids(v: unknown): number[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list.filter((x): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0);
}

/** True when `dir` looks like a model folder (has config.json). */
export function isModelFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'config.json'));
}

/** Reads config.json, generation_config.json and the weight index; loads no tensors. */
export function readModelFolder(dir: string): ModelFolder {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) throw new ConfigError(abs, null, 'is not a folder');
  const cfgFile = path.join(abs, 'config.json');
  const config = parseModelConfig(readJsonFile(cfgFile), cfgFile);
  const genFile = path.join(abs, 'generation_config.json');
  const gen = (fs.existsSync(genFile) ? readJsonFile(genFile) : {}) as Record<string, unknown>;
  const num = (k: string) => (typeof gen[k] === 'number' ? (gen[k] as number) : null);
  const eos = [...new Set([...ids(gen.eos_token_id), ...config.eosTokenIds])];
  const { files } = weightFiles(abs);
  return {
    dir: abs,
    config,
    generation: {
      bosTokenId: ids(gen.bos_token_id)[0] ?? config.bosTokenId,
      eosTokenIds: eos,
      padTokenId: ids(gen.pad_token_id)[0] ?? config.padTokenId,
      maxLength: num('max_length'),
      doSample: gen.do_sample === true,
      temperature: num('temperature'),
      topP: num('top_p'),
      topK: num('top_k')
    },
    weightFiles: files,
    weightBytes: files.reduce((s, f) => s + fs.statSync(f).size, 0),
    hasTokenizer: fs.existsSync(path.join(abs, 'tokenizer.json'))
  };
}

