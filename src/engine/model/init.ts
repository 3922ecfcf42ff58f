/**
 * Randomly initialised models of named shapes, written as Hugging Face folders (benchmarks and
 * from-scratch training). Weights are drawn in JavaScript from a seeded PRNG, so a seed gives the
 * same bytes on every machine and backend.
 *
 * Initialisation follows llama2.c / nanoGPT (and HF's initializer_range 0.02): normal(0, 0.02) for
 * embeddings and projections, residual output projections (o_proj, down_proj; GPT-2 attn.c_proj,
 * mlp.c_proj) scaled by 1/√(2·layers), norm weights 1, biases 0.
 *
 * Tokenizer: copied from `tokenizerDir` when given (the model's vocab then follows the
 * tokenizer's size and special tokens). Without one, a byte-level placeholder is written: <unk>,
 * <s>, </s>, the 256 byte tokens <0x00>…<0xFF> (every text encodes as UTF-8 bytes), and unused
 * filler tokens up to the preset's vocabulary size, so the model has its full shape and any text
 * can be tokenized. It is good for speed measurements and toy training, not for real text quality.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { configToJson, type Gpt2Config, type LlamaConfig, type ModelConfig } from './config.ts';
import { tensorSpecs } from './specs.ts';
import { encodeSafetensors, type TensorToWrite } from './safetensors.ts';
import { loadTokenizer } from './tokenizer.ts';
import { FALLBACK_CHAT_TEMPLATE } from './chat-template.ts';
import { Rng } from '../generate/sampling.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.ts';

export interface Preset {
  arch: 'llama' | 'gpt2';
  description: string;
  /** Where the shape comes from. */
  source: string;
  config: ModelConfig;
}

function llama(p: Partial<LlamaConfig> & Pick<LlamaConfig, 'hiddenSize' | 'intermediateSize' | 'numLayers' | 'numHeads' | 'vocabSize' | 'maxPositions'>): LlamaConfig {
  return {
    arch: 'llama',
    modelType: 'llama',
    numKvHeads: p.numHeads,
    headDim: p.hiddenSize / p.numHeads,
    ropeTheta: 10000,
    ropeScaling: null,
    rmsNormEps: 1e-5,
    tieWordEmbeddings: true,
    attentionBias: false,
    mlpBias: false,
    bosTokenId: 1,
    eosTokenIds: [2],
    padTokenId: null,
    ...p
  };
}

function gpt2(p: Pick<Gpt2Config, 'hiddenSize' | 'numLayers' | 'numHeads' | 'vocabSize' | 'maxPositions'>): Gpt2Config {
  return {
    arch: 'gpt2',
    modelType: 'gpt2',
    intermediateSize: 4 * p.hiddenSize,
    layerNormEps: 1e-5,
    activation: 'gelu_new',
    scaleAttnByInverseLayerIdx: false,
    tieWordEmbeddings: true,
    bosTokenId: p.vocabSize - 1,
    eosTokenIds: [p.vocabSize - 1],
    padTokenId: null,
    ...p
  };
}

// llama2.c's model.py: hidden_dim = multiple_of(32) ⌈(2/3)·4·dim⌉; its README lists dim, layers,
// heads and context for the stories models; they use the Llama-2 32,000-token tokenizer.
const LLAMA2C = 'karpathy/llama2.c README (models table) and model.py (hidden_dim rule)';

export const PRESETS: Record<string, Preset> = {
  stories260k: {
    arch: 'llama',
    description: 'llama2.c stories260K: dim 64, 5 layers, 8 heads (4 KV), hidden 172, vocab 512, context 512',
    source: "llama2.c doc/stories260K.md; the shared model's config.json",
    config: llama({ hiddenSize: 64, intermediateSize: 172, numLayers: 5, numHeads: 8, numKvHeads: 4, vocabSize: 512, maxPositions: 512 })
  },
  stories15m: {
    arch: 'llama',
    description: 'llama2.c stories15M: dim 288, 6 layers, 6 heads, hidden 768, vocab 32000, context 256',
    source: LLAMA2C,
    config: llama({ hiddenSize: 288, intermediateSize: 768, numLayers: 6, numHeads: 6, vocabSize: 32000, maxPositions: 256 })
  },
  stories42m: {
    arch: 'llama',
    description: 'llama2.c stories42M: dim 512, 8 layers, 8 heads, hidden 1376, vocab 32000, context 1024',
    source: LLAMA2C,
    config: llama({ hiddenSize: 512, intermediateSize: 1376, numLayers: 8, numHeads: 8, vocabSize: 32000, maxPositions: 1024 })
  },
  stories110m: {
    arch: 'llama',
    description: 'llama2.c stories110M: dim 768, 12 layers, 12 heads, hidden 2048, vocab 32000, context 1024',
    source: LLAMA2C,
    config: llama({ hiddenSize: 768, intermediateSize: 2048, numLayers: 12, numHeads: 12, vocabSize: 32000, maxPositions: 1024 })
  },
  'gpt2-tiny': {
    arch: 'gpt2',
    description: 'a tiny GPT-2 for tests: n_embd 64, 2 layers, 4 heads, n_positions 256, vocab 512',
    source: 'tunebench (test shape)',
    config: gpt2({ hiddenSize: 64, numLayers: 2, numHeads: 4, vocabSize: 512, maxPositions: 256 })
  },
  gpt2: {
    arch: 'gpt2',
    description: 'GPT-2 small (124M): n_embd 768, 12 layers, 12 heads, n_positions 1024, vocab 50257',
    source: 'Radford et al. 2019; Hugging Face openai-community/gpt2 config.json',
    config: gpt2({ hiddenSize: 768, numLayers: 12, numHeads: 12, vocabSize: 50257, maxPositions: 1024 })
  }
};

export interface InitOptions {
  arch: 'llama' | 'gpt2';
  preset: string;
  out: string;
  seed?: number;
  tokenizerDir?: string;
  /** Overwrite a non-empty output folder. */
  force?: boolean;
}

export interface InitResult {
  dir: string;
  config: ModelConfig;
  parameters: number;
  tokenizer: 'copied' | 'byte-level placeholder';
  bytes: number;
}

/** normal(0, std) values from the PRNG (Box–Muller). */
function gaussian(rng: Rng, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rng.next();
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** The random tensors of `config` in HF layout. */
export function randomTensors(config: ModelConfig, seed: number): TensorToWrite[] {
  const rng = new Rng(seed);
  const specs = tensorSpecs(config);
  const residual = 0.02 / Math.sqrt(2 * config.numLayers);
  const out: TensorToWrite[] = [];
  for (const [name, spec] of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (/(norm|ln_\w+)\.weight$/.test(name)) data = new Float32Array(n).fill(1);
    else if (name.endsWith('.bias')) data = new Float32Array(n);
    else data = gaussian(rng, n, /(o_proj|down_proj|attn\.c_proj|mlp\.c_proj)\.weight$/.test(name) ? residual : 0.02);
    out.push({ name, shape: spec.shape, data });
  }
  return out;
}

/** tokenizer.json + tokenizer_config.json of the byte-level placeholder (see file comment). */
export function placeholderTokenizer(vocabSize: number): { tokenizer: object; config: object } {
  if (vocabSize < 259) throw new Error(`a byte-level placeholder tokenizer needs a vocabulary of at least 259 tokens (got ${vocabSize})`);
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
  for (let i = 259; i < vocabSize; i++) vocab[`<unused_${i}>`] = i;
  const added = ['<unk>', '<s>', '</s>'].map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } }
    },
    decoder: { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' }] },
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, vocab, merges: [] }
  };
  const config = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    pad_token: null,
    add_bos_token: true,
    add_eos_token: false,
    model_max_length: 1_000_000,
    chat_template: FALLBACK_CHAT_TEMPLATE,
    tunebench_note: 'byte-level placeholder written by `tunebench models init`: every text is encoded as UTF-8 byte tokens'
  };
  return { tokenizer, config };
}

const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'tokenizer.model', 'special_tokens_map.json', 'chat_template.jinja'];

/** Writes a randomly initialised model folder. */
export async function initModel(opts: InitOptions): Promise<InitResult> {
  const preset = PRESETS[opts.preset];
  if (!preset) throw new Error(`unknown preset '${opts.preset}' (known: ${Object.keys(PRESETS).join(', ')})`);
  if (preset.arch !== opts.arch) throw new Error(`preset '${opts.preset}' is a ${preset.arch} model, not ${opts.arch}`);
  const dir = path.resolve(opts.out);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0 && !opts.force) throw new Error(`${dir} exists and is not empty (use --force to overwrite)`);
  let config: ModelConfig = { ...preset.config };
  let tokenizerKind: InitResult['tokenizer'] = 'byte-level placeholder';
  await fsp.mkdir(dir, { recursive: true });
  if (opts.tokenizerDir) {
    const tok = loadTokenizer(opts.tokenizerDir);
    const eos = tok.eos ? [tok.eos.id] : config.eosTokenIds;
    config = { ...config, vocabSize: tok.vocabSize, bosTokenId: tok.bos?.id ?? null, eosTokenIds: eos, padTokenId: tok.pad?.id ?? null };
    for (const f of TOKENIZER_FILES) {
      const src = path.join(opts.tokenizerDir, f);
      if (fs.existsSync(src)) await writeFileAtomic(path.join(dir, f), await fsp.readFile(src));
    }
    tokenizerKind = 'copied';
  } else {
    config = { ...config, bosTokenId: 1, eosTokenIds: [2], padTokenId: null }; // the placeholder's <s>, </s>
    const { tokenizer, config: tcfg } = placeholderTokenizer(config.vocabSize);
    await writeJsonAtomic(path.join(dir, 'tokenizer.json'), tokenizer);
    await writeJsonAtomic(path.join(dir, 'tokenizer_config.json'), tcfg);
  }
  const tensors = randomTensors(config, opts.seed ?? 0);
  const bytes = encodeSafetensors(tensors, { metadata: { format: 'pt', tunebench_init: `${opts.preset} seed ${opts.seed ?? 0}` } });
  await writeFileAtomic(path.join(dir, 'model.safetensors'), bytes);
  await writeJsonAtomic(path.join(dir, 'config.json'), configToJson(config));
  const gen: Record<string, unknown> = { bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenIds[0] ?? null, do_sample: false, max_length: config.maxPositions };
  await writeJsonAtomic(path.join(dir, 'generation_config.json'), gen);
  return { dir, config, parameters: tensors.reduce((s, t) => s + t.data.length, 0), tokenizer: tokenizerKind, bytes: bytes.length };
}
