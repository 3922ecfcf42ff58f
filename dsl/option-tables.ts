/**
 * Every option of every context, with its reader, default and doc line. The checker reads
 * settings through these tables; hover, completion and the reference list them; a test keeps
 * them in step with the lexer's keyword list (keys.ts).
 */
import { autoOr, describeValue, duration, flag, int, marker, name, nameList, num, oneOf, ratio, raw, registerContext, strList, type OptionTable, type Reader } from './options.ts';
import { diag } from './diagnostics.ts';

/** A column name written as a name or a string. */
const columnName: Reader<{ value: string; span: { start: number; end: number } }> = {
  describe: 'a column name',
  read(values, cx) {
    if (values.length === 1 && values[0].kind === 'String') return { value: values[0].value, span: values[0].span };
    return name.read(values, cx);
  }
};

const seedDoc = 'seed of the random choices; the same seed gives the same result';
const SEED_MAX = 2 ** 31 - 1;

/** `column TARGET SOURCE`: a metadata column TARGET taken from the source column SOURCE. */
const columnMapping: Reader<{ target: string; source: string }> = {
  describe: 'a column name and the source column it comes from (column intent "category")',
  read(values, cx) {
    const [t, s, extra] = values;
    const target = t?.kind === 'Word' && !t.selector && !t.options ? t.name.name : null;
    const source = s?.kind === 'String' ? s.value : s?.kind === 'Word' && !s.selector && !s.options ? s.name.name : null;
    if (target && source && !extra) return { target, source };
    const at = extra ?? (target ? s : t);
    cx.diags.push(diag('E032', at ? at.span : cx.setting.key.span, { option: 'column', expected: this.describe, found: describeValue(at) }));
    return undefined;
  }
};

export const SOURCE_OPTIONS = {
  user: { reader: columnName, doc: 'csv/parquet: the column holding the user turn' },
  assistant: { reader: columnName, doc: 'csv/parquet: the column holding the assistant turn' },
  system: { reader: columnName, doc: 'csv/parquet: the column holding a system prompt' },
  column: { reader: columnMapping, repeat: true, doc: 'csv/parquet: a metadata column and its source column (column intent "category")' },
  skip_invalid: { reader: flag, default: false, doc: 'import the valid rows and skip invalid ones instead of failing' }
} satisfies OptionTable;

export const SPLIT_OPTIONS = {
  seed: { reader: int({ min: 0, max: SEED_MAX }), default: 42, doc: seedDoc },
  stratify: { reader: columnName, doc: 'split each value of this column by the same percentages' },
  disjoint: { reader: columnName, default: 'user_text', doc: 'keep near-duplicate groups of this text column within one part' },
  threshold: { reader: ratio({ above: 0, max: 1 }), default: 0.8, doc: 'Jaccard similarity from which two rows count as near duplicates for `disjoint`' }
} satisfies OptionTable;

export const DEDUPE_EXACT_OPTIONS = {} satisfies OptionTable;

export const DEDUPE_NEAR_OPTIONS = {
  threshold: { reader: ratio({ above: 0, max: 1 }), default: 0.8, doc: 'Jaccard similarity of shingle sets from which two rows are near duplicates' },
  ngram: { reader: int({ min: 1, max: 10 }), default: 3, doc: 'word n-gram size of the shingles (text without CJK characters)' },
  char_ngram: { reader: int({ min: 1, max: 10 }), default: 3, doc: 'character n-gram size of the shingles (CJK text)' },
  permutations: { reader: int({ min: 16, max: 1024 }), default: 128, doc: 'MinHash permutations (more: more accurate, slower)' },
  bands: { reader: int({ min: 1, max: 1024 }), doc: 'LSH bands (default: chosen from threshold and permutations, weighing a missed pair 0.8 and a false candidate 0.2)' },
  seed: { reader: int({ min: 0, max: SEED_MAX }), default: 42, doc: 'seed of the MinHash permutations' }
} satisfies OptionTable;

export const SAMPLE_OPTIONS = {
  seed: { reader: int({ min: 0, max: SEED_MAX }), default: 42, doc: seedDoc }
} satisfies OptionTable;

export const BALANCE_OPTIONS = {
  cap: { reader: int({ min: 1 }), doc: 'keep at most this many rows per value', example: 'balance by intent cap 200' },
  seed: { reader: int({ min: 0, max: SEED_MAX }), default: 42, doc: seedDoc }
} satisfies OptionTable;

export const TRAIN_OPTIONS = {
  base: { reader: raw, doc: 'the model to start from: a base model ("tinystories-260k") or a train stage (general, general@best)', example: 'base "tinystories-260k"' },
  method: { reader: oneOf(['lora', 'full']), default: 'lora', doc: 'lora: train small adapter matrices; full: train every weight' },
  rank: { reader: int({ min: 1, max: 1024 }), default: 8, doc: 'LoRA rank r' },
  alpha: { reader: num({ above: 0, max: 4096 }), default: 16, doc: 'LoRA scaling α (the update is scaled by α/r)' },
  dropout: { reader: num({ min: 0, max: 0.9 }), default: 0.05, doc: 'LoRA dropout' },
  targets: { reader: nameList, doc: 'modules that get adapters (default: q_proj, v_proj for Llama; c_attn for GPT-2)' },
  quantize: { reader: oneOf(['none', 'int8']), default: 'none', doc: 'int8: hold the frozen base in INT8 under the LoRA adapters (QLoRA-style)' },
  epochs: { reader: autoOr(int({ min: 1, max: 1000 })), default: 'auto', doc: "passes over the data; auto: OpenAI's rule from the dataset size" },
  batch_size: { reader: autoOr(int({ min: 1, max: 65536 })), default: 'auto', doc: "examples per optimizer step; auto: OpenAI's rule" },
  learning_rate: { reader: num({ above: 0, max: 1 }), doc: 'peak learning rate (instead of learning_rate_multiplier)' },
  learning_rate_multiplier: { reader: autoOr(num({ above: 0, max: 100 })), default: 'auto', doc: "multiplier of the base learning rate, as OpenAI's API (auto: its default)" },
  max_length: { reader: int({ min: 16, max: 1_048_576 }), default: 512, doc: 'tokens per sequence; longer ones are truncated and counted' },
  warmup: { reader: raw, doc: 'linear warmup: N steps, or a share of all steps as a percentage (warmup 100 steps, warmup 3%); default none' },
  schedule: { reader: oneOf(['cosine', 'linear', 'constant']), default: 'cosine' as const, doc: 'learning-rate decay after warmup' },
  weight_decay: { reader: num({ min: 0, max: 1 }), default: 0, doc: 'AdamW weight decay' },
  grad_clip: { reader: raw, default: 1, doc: 'clip the global gradient norm to this (none: no clipping)' },
  grad_accum: { reader: int({ min: 1, max: 1024 }), default: 1, doc: 'micro-batches accumulated per optimizer step' },
  seed: { reader: int({ min: 0, max: SEED_MAX }), default: 42, doc: 'seed of initialisation, shuffling and dropout' },
  eval_every: { reader: raw, doc: 'validate every N steps (eval_every 50 steps); default: at each epoch end only' },
  early_stop: { reader: marker, doc: 'stop when the watched metric stops improving (see patience, on, min_delta)' },
  patience: { reader: int({ min: 1, max: 1000 }), default: 3, doc: 'early stopping: epochs without improvement before stopping' },
  on: { reader: name, default: 'val_loss', doc: 'early stopping: the metric to watch (val_loss, val_token_accuracy, or a generation metric such as rougeL on the validation data)' },
  min_delta: { reader: num({ min: 0 }), default: 0, doc: 'early stopping: the least change that counts as an improvement' },
  keep_checkpoints: { reader: int({ min: 1, max: 1000 }), default: 3, doc: 'keep the last N epoch checkpoints plus the best' },
  batching: { reader: oneOf(['bucketed', 'packed', 'padded']), default: 'bucketed' as const, doc: 'bucketed: batches of similar length; packed: several examples per sequence, each attending only to itself with positions from 0 (same results as unpacked, less padding); padded: in order, padded' },
  max_steps: { reader: int({ min: 1 }), doc: 'stop after this many optimizer steps' },
  time_budget: { reader: duration, doc: 'stop (with a checkpoint) after this much wall time, e.g. 2h' }
} satisfies OptionTable;

export const STYLE_OPTIONS = {
  lexicon: { reader: strList, repeat: true, doc: 'preferred terms; each occurrence raises the score by the weight that follows (default 1)' },
  forbidden: { reader: strList, repeat: true, doc: 'forbidden terms; each occurrence lowers the score by the weight that follows (default 1)' },
  weight: { reader: num({ above: 0, max: 1000 }), repeat: true, doc: 'the weight of the lexicon or forbidden list just before it' },
  min_tokens: { reader: int({ min: 0 }), doc: 'outputs shorter than this are out of style' },
  max_tokens: { reader: int({ min: 1 }), doc: 'outputs longer than this are out of style' },
  require: { reader: strList, repeat: true, doc: 'regular expressions every output must match' },
  reject: { reader: strList, repeat: true, doc: 'regular expressions no output may match' },
  max_repetition: { reader: ratio(), doc: 'the highest share of repeated word 3-grams' },
  threshold: { reader: ratio(), default: 0.5, doc: 'the score (0..1) from which an output counts as in style' }
} satisfies OptionTable;

export const GENERATION_DEFAULTS = { max_tokens: 128, temperature: 0, top_p: 1, top_k: 0, seed: 42, stop: [] as string[], batch_size: 8 };

export const EVAL_OPTIONS = {
  metrics: { reader: raw, repeat: true, doc: 'metrics to score, with options in parentheses: bleu(tokenize zh), rougeL(stem), intent_f1(against intent)', example: 'metrics bleu, rougeL' },
  style: { reader: raw, repeat: true, block: true, doc: 'a named style to score outputs against: style formal { lexicon [...] min_tokens 50 }' },
  generate: { reader: marker, doc: 'introduces the generation settings that follow (optional, for readability)' },
  max_tokens: { reader: int({ min: 1, max: 32768 }), default: GENERATION_DEFAULTS.max_tokens, doc: 'generate at most this many tokens per output' },
  temperature: { reader: num({ min: 0, max: 5 }), default: GENERATION_DEFAULTS.temperature, doc: 'sampling temperature; 0 = greedy (deterministic)' },
  top_p: { reader: num({ above: 0, max: 1 }), default: GENERATION_DEFAULTS.top_p, doc: 'nucleus sampling: keep the smallest token set with this much probability' },
  top_k: { reader: int({ min: 0, max: 1_000_000 }), default: GENERATION_DEFAULTS.top_k, doc: 'sample among the k most likely tokens (0 = off)' },
  seed: { reader: int({ min: 0, max: SEED_MAX }), default: GENERATION_DEFAULTS.seed, doc: 'seed of sampling and of the bootstrap' },
  stop: { reader: strList, doc: 'stop sequences: generation ends before any of them' },
  batch_size: { reader: int({ min: 1, max: 4096 }), default: GENERATION_DEFAULTS.batch_size, doc: 'prompts generated together' },
  bootstrap: { reader: int({ min: 0, max: 100_000 }), default: 1000, doc: 'bootstrap resamples for confidence intervals (0 = off)' },
  max_examples: { reader: int({ min: 1 }), doc: 'evaluate only the first N examples' },
  time_budget: { reader: duration, doc: 'stop generating after this much wall time (scores what is done)' }
} satisfies OptionTable;

/** Option tables by the context name used in messages ("unknown option 'x' in train"). */
export const OPTION_CONTEXTS: Record<string, OptionTable> = {
  'file source': SOURCE_OPTIONS,
  split: SPLIT_OPTIONS,
  'dedupe exact': DEDUPE_EXACT_OPTIONS,
  'dedupe near': DEDUPE_NEAR_OPTIONS,
  sample: SAMPLE_OPTIONS,
  balance: BALANCE_OPTIONS,
  train: TRAIN_OPTIONS,
  eval: EVAL_OPTIONS,
  style: STYLE_OPTIONS
};

for (const [ctx, table] of Object.entries(OPTION_CONTEXTS)) registerContext(ctx, table);
