/**
 * The words the language gives meaning to, grouped by the role they play in the grammar.
 * The lexer makes one token per word from these lists (so the editor's highlighter, the parser
 * and the checker's option tables share one spelling of each), and a test asserts that every
 * option the checker knows is listed here and nothing here is unused.
 *
 * None of these is reserved: each may still be used as a stage, dataset or column name wherever
 * the grammar expects a name. Only RESERVED words can never be names.
 */

/** Words that start a top-level statement. */
export const STATEMENT_WORDS = ['pipeline', 'dataset', 'stage', 'split', 'train', 'eval'] as const;

/** Words that start a data operator inside a `stage { ... }` block. */
export const OPERATOR_WORDS = ['filter', 'dedupe', 'redact', 'sample', 'limit', 'system_prompt', 'map', 'balance'] as const;

/** Connecting words inside statements and operators. (`on` is also an option key: see NAME_KEYS.) */
export const CONNECTOR_WORDS = ['from', 'format', 'workspace', 'into', 'validate', 'exact', 'near', 'by', 'sql', 'roles'] as const;

/**
 * Option keys whose first argument is a name (a column, a stage, a metric, a style), which may
 * itself be a keyword: `stratify style`, `column style "tone"`, `base general@best`,
 * `on val_loss`, `style formal { }`.
 */
export const NAME_KEYS = ['base', 'on', 'stratify', 'disjoint', 'style', 'user', 'assistant', 'system', 'column'] as const;

/** All other option keys: `KEY value...` inside blocks and after some operators. */
export const SETTING_KEYS = [
  // file sources
  'skip_invalid',
  // train
  'method', 'rank', 'alpha', 'dropout', 'targets', 'quantize', 'epochs', 'batch_size', 'learning_rate',
  'learning_rate_multiplier', 'max_length', 'warmup', 'schedule', 'weight_decay', 'grad_clip', 'grad_accum',
  'seed', 'eval_every', 'early_stop', 'patience', 'min_delta', 'keep_checkpoints', 'batching', 'max_steps',
  'time_budget',
  // eval
  'metrics', 'generate', 'max_tokens', 'temperature', 'top_p', 'top_k', 'stop', 'bootstrap', 'max_examples',
  // style blocks
  'lexicon', 'forbidden', 'weight', 'min_tokens', 'require', 'reject', 'max_repetition', 'threshold',
  // operator tails
  'ngram', 'char_ngram', 'permutations', 'bands', 'cap'
] as const;

/** Reserved words: operators of the expression language and literals. Never names. */
export const RESERVED_WORDS = ['and', 'or', 'not', 'in', 'between', 'like', 'matches', 'is', 'null', 'true', 'false'] as const;

export type StatementWord = (typeof STATEMENT_WORDS)[number];
export type OperatorWord = (typeof OPERATOR_WORDS)[number];
export type OptionKey = (typeof NAME_KEYS)[number] | (typeof SETTING_KEYS)[number];

export const OPTION_KEYS: readonly string[] = [...NAME_KEYS, ...SETTING_KEYS];
