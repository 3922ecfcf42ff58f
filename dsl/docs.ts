/**
 * The documentation of every keyword and operator: one table that the editor's hover, the
 * completion details and the generated parts of reference.md all read. A test asserts that
 * every keyword token of the lexer has an entry here (or is an option documented in
 * option-tables.ts), and that reference.md's generated sections match this table.
 */

export interface DocEntry {
  kind: 'statement' | 'operator' | 'connector' | 'expression' | 'symbol' | 'literal';
  syntax: string;
  doc: string;
  example: string;
}

export const KEYWORD_DOCS: Record<string, DocEntry> = {
  // ---- statements
  pipeline: { kind: 'statement', syntax: 'pipeline NAME ["description"]', doc: 'Names the pipeline. Every file starts with exactly one.', example: 'pipeline support_bot "Support desk assistant"' },
  dataset: {
    kind: 'statement',
    syntax: 'dataset NAME from "PATH" [format FORMAT] [{ options }]\ndataset NAME from workspace DATASET[@VERSION]',
    doc: 'A data source: a file (path relative to the workspace folder; format auto-detected unless given) or a dataset already imported into the workspace (latest version unless @VERSION).',
    example: 'dataset tickets from "datasets/support.jsonl" format openai'
  },
  stage: {
    kind: 'statement',
    syntax: 'stage NAME from INPUT[, INPUT...] { OPERATOR... }',
    doc: 'A named data stage: reads its inputs (several are concatenated by column name) and applies its operators in order. Each operator is a cached step.',
    example: 'stage clean from tickets {\n  filter turns >= 2\n  dedupe exact on user_text\n}'
  },
  split: {
    kind: 'statement',
    syntax: 'split INPUT into PART PCT%, PART PCT%... [seed N] [stratify COLUMN] [disjoint COLUMN] [threshold X]',
    doc: 'Splits data into named parts by percentages that add up to 100%: deterministic for a seed, optionally stratified by a column; near-duplicate groups (by the disjoint column, user_text by default) never straddle two parts.',
    example: 'split clean into train 80%, val 10%, test 10% seed 42 stratify intent'
  },
  train: {
    kind: 'statement',
    syntax: 'train NAME from DATA [validate DATA] { base ... method ... }',
    doc: 'Fine-tunes a model: from a base model, or from another train stage (staged fine-tuning). Options: see "train options".',
    example: 'train tuned from train validate val {\n  base "tinystories-260k"\n  method lora rank 16 alpha 32\n  epochs 3\n}'
  },
  eval: {
    kind: 'statement',
    syntax: 'eval [NAME] [MODEL, ...] on DATA { metrics ... }',
    doc: 'Generates outputs for DATA with each model (a base model in quotes, a train stage, a checkpoint such as tuned@best, or base = the base of the listed train stages) and scores them.',
    example: 'eval [base, tuned] on test {\n  metrics bleu, rougeL\n}'
  },
  // ---- operators
  filter: {
    kind: 'operator',
    syntax: 'filter CONDITION\nfilter sql "DUCKDB CONDITION"',
    doc: 'Keeps the rows where the condition holds. Conditions are typed against the columns; `sql "..."` passes a DuckDB condition through verbatim (DuckDB checks it).',
    example: 'filter turns >= 2 and intent in ["billing", "shipping"]'
  },
  dedupe: {
    kind: 'operator',
    syntax: 'dedupe exact [on COLUMN | on [COLUMN, ...]]\ndedupe near on COLUMN [threshold X] [ngram N] [char_ngram N] [permutations N] [bands N] [seed N]',
    doc: 'Drops duplicates, keeping the first. exact: equal values (the whole conversation without `on`). near: MinHash + LSH over shingles (word n-grams, character n-grams for CJK) with a Jaccard threshold.',
    example: 'dedupe near on user_text threshold 0.85'
  },
  redact: {
    kind: 'operator',
    syntax: 'redact KIND[, KIND...]   (KIND: email | phone | credit_card | ip | NAME r"REGEX")',
    doc: 'Replaces personal data in every message with [KIND]: e-mail addresses, phone numbers, credit-card numbers (Luhn-checked), IP addresses, or a custom regular expression with a name.',
    example: 'redact email, phone, order_id r"ORD-[0-9]{6}"'
  },
  sample: { kind: 'operator', syntax: 'sample N [seed N]\nsample PCT% [seed N]', doc: 'Keeps N rows, or a share of the rows, chosen at random with the seed.', example: 'sample 10% seed 7' },
  limit: { kind: 'operator', syntax: 'limit N', doc: 'Keeps the first N rows.', example: 'limit 500' },
  system_prompt: {
    kind: 'operator',
    syntax: 'system_prompt [set | default | prepend] "TEMPLATE"',
    doc: 'Sets the system message from a template whose {column} placeholders are filled per row. set: replace any system message; default: only where there is none; prepend: put before the existing one.',
    example: 'system_prompt set "[STYLE:{style}] You are a support agent."'
  },
  map: { kind: 'operator', syntax: 'map roles FROM -> TO[, FROM -> TO...]', doc: 'Relabels message roles (system, user, assistant, tool, function).', example: 'map roles function -> tool' },
  balance: { kind: 'operator', syntax: 'balance by COLUMN cap N [seed N]', doc: 'Keeps at most N rows per value of the column, chosen at random with the seed.', example: 'balance by intent cap 200' },
  // ---- connectors
  from: { kind: 'connector', syntax: '... from INPUT', doc: 'Names where a dataset, stage or train stage reads from.', example: 'stage clean from tickets {\n  limit 10\n}' },
  format: { kind: 'connector', syntax: 'format auto | openai | prompt_completion | context_response | csv | parquet', doc: 'The file format of a dataset source (default: detected from the content).', example: 'dataset faq from "datasets/faq.csv" format csv { user "question" assistant "answer" }' },
  workspace: { kind: 'connector', syntax: 'from workspace DATASET[@VERSION]', doc: 'A dataset already imported into the workspace; @VERSION pins a version.', example: 'dataset support from workspace support@2' },
  into: { kind: 'connector', syntax: 'split INPUT into PART PCT%, ...', doc: 'Introduces the parts of a split.', example: 'split clean into train 90%, test 10%' },
  validate: { kind: 'connector', syntax: 'train NAME from DATA validate DATA', doc: 'The validation data of a train stage (validation loss, early stopping, best checkpoint).', example: 'train tuned from train validate val {\n  base "tinystories-260k"\n}' },
  on: { kind: 'connector', syntax: 'dedupe ... on COLUMN | eval [...] on DATA | on METRIC', doc: 'The column a dedupe compares, the data an eval runs on, or (in a train block) the metric early stopping watches.', example: 'dedupe exact on user_text' },
  exact: { kind: 'connector', syntax: 'dedupe exact [on COLUMN]', doc: 'Exact duplicates: equal values.', example: 'dedupe exact' },
  near: { kind: 'connector', syntax: 'dedupe near on COLUMN [threshold X]', doc: 'Near duplicates: Jaccard similarity of shingle sets at or above the threshold (MinHash + LSH).', example: 'dedupe near on user_text threshold 0.85' },
  by: { kind: 'connector', syntax: 'balance by COLUMN cap N', doc: 'The column whose values are balanced.', example: 'balance by intent cap 100' },
  sql: { kind: 'connector', syntax: 'filter sql "CONDITION"', doc: 'Escape hatch: a DuckDB SQL condition, checked by DuckDB at check time.', example: `filter sql "len(messages) <= 6 AND user_text NOT ILIKE '%unsubscribe%'"` },
  roles: { kind: 'connector', syntax: 'map roles FROM -> TO, ...', doc: 'Introduces role relabelling.', example: 'map roles function -> tool' },
  // ---- expression words
  and: { kind: 'expression', syntax: 'A and B', doc: 'Both conditions hold.', example: 'filter turns >= 2 and chars < 4000' },
  or: { kind: 'expression', syntax: 'A or B', doc: 'At least one condition holds (binds looser than and).', example: 'filter intent = "billing" or intent = "refund"' },
  not: { kind: 'expression', syntax: 'not A | X not in [...] | X not between A and B | X not like "..." | X not matches "..."', doc: 'Negation.', example: 'filter not (turns > 10)' },
  in: { kind: 'expression', syntax: 'X [not] in [V, ...]', doc: 'Membership in a list of values of the same type.', example: 'filter intent in ["billing", "shipping"]' },
  between: { kind: 'expression', syntax: 'X [not] between LOW and HIGH', doc: 'LOW ≤ X ≤ HIGH.', example: 'filter chars between 20 and 4000' },
  like: { kind: 'expression', syntax: 'X [not] like "PATTERN"', doc: 'SQL LIKE on text: % matches any run of characters, _ one character.', example: 'filter user_text like "%refund%"' },
  matches: { kind: 'expression', syntax: 'X [not] matches r"REGEX"', doc: 'The text contains a match of the regular expression (RE2 syntax, as DuckDB).', example: 'filter assistant_text matches r"\\border\\s+#?\\d+"' },
  is: { kind: 'expression', syntax: 'X is [not] null', doc: 'Tests for a missing value.', example: 'filter style is not null' },
  null: { kind: 'literal', syntax: 'null', doc: 'The missing value. Compare with `is null`, not `= null`.', example: 'filter intent is null' },
  true: { kind: 'literal', syntax: 'true', doc: 'Boolean true.', example: 'skip_invalid true' },
  false: { kind: 'literal', syntax: 'false', doc: 'Boolean false.', example: 'metrics bleu(lowercase false)' }
};

/** Operators and punctuation. */
export const SYMBOL_DOCS: Record<string, DocEntry> = {
  '=': { kind: 'symbol', syntax: 'A = B', doc: 'Equal (== also works). Both sides must have comparable types.', example: 'filter intent = "billing"' },
  '!=': { kind: 'symbol', syntax: 'A != B', doc: 'Not equal (<> also works).', example: 'filter style != "casual"' },
  '<': { kind: 'symbol', syntax: 'A < B', doc: 'Less than.', example: 'filter turns < 8' },
  '<=': { kind: 'symbol', syntax: 'A <= B', doc: 'Less than or equal.', example: 'filter chars <= 4000' },
  '>': { kind: 'symbol', syntax: 'A > B', doc: 'Greater than.', example: 'filter turns > 1' },
  '>=': { kind: 'symbol', syntax: 'A >= B', doc: 'Greater than or equal.', example: 'filter turns >= 2' },
  '+': { kind: 'symbol', syntax: 'A + B', doc: 'Addition (numbers).', example: 'filter turns + 1 > 3' },
  '-': { kind: 'symbol', syntax: 'A - B, -A', doc: 'Subtraction or negation (numbers).', example: 'filter chars - length(system_text) > 100' },
  '*': { kind: 'symbol', syntax: 'A * B', doc: 'Multiplication (numbers).', example: 'filter length(assistant_text) > 2 * length(user_text)' },
  '/': { kind: 'symbol', syntax: 'A / B', doc: 'Division (numbers; the result is a decimal number).', example: 'filter length(assistant_text) / turns > 40' },
  '->': { kind: 'symbol', syntax: 'FROM -> TO', doc: 'A role mapping.', example: 'map roles function -> tool' },
  '@': { kind: 'symbol', syntax: 'NAME@VERSION | STAGE@best | STAGE@last | STAGE@epoch N | STAGE@step N', doc: 'A dataset version, or a checkpoint of a train stage (default: its final model: best when it validated, else last).', example: 'eval [tuned@best, tuned@epoch 1] on test { metrics rougeL }' },
  '%': { kind: 'literal', syntax: 'N%', doc: 'A percentage literal (split parts, sample, warmup).', example: 'sample 10%' },
  '#': { kind: 'literal', syntax: '# comment', doc: 'A comment to the end of the line.', example: '# keep only multi-turn conversations' }
};

/** Literal forms, for the reference. */
export const LITERAL_DOCS: DocEntry[] = [
  { kind: 'literal', syntax: '"text"', doc: 'A string with escapes \\\\ \\" \\n \\r \\t \\u{HEX}; one line.', example: 'system_prompt set "You are a helpful agent.\\nBe brief."' },
  { kind: 'literal', syntax: 'r"text"', doc: 'A raw string: backslashes are literal (for regular expressions); cannot contain ".', example: 'filter user_text matches r"\\d{4}-\\d{4}"' },
  { kind: 'literal', syntax: '"""text"""', doc: 'A raw string that may span lines (SQL, long prompts).', example: 'filter sql """\n  len(messages) <= 6\n"""' },
  { kind: 'literal', syntax: '42, 0.85, 2e-4', doc: 'Numbers; integers where an option needs one.', example: 'learning_rate 2e-4' },
  { kind: 'literal', syntax: '80%', doc: 'A percentage.', example: 'split clean into train 80%, test 20%' },
  { kind: 'literal', syntax: '90s, 30m, 2h, 1d, 500ms', doc: 'A duration.', example: 'time_budget 2h' },
  { kind: 'literal', syntax: '[a, b, c]', doc: 'A list (of names, strings or numbers).', example: 'targets [q_proj, k_proj, v_proj, o_proj]' },
  { kind: 'literal', syntax: '`any name`', doc: 'A quoted name: a column or stage whose name is a keyword or has unusual characters.', example: 'filter `limit` > 3' },
  { kind: 'literal', syntax: 'true, false, null', doc: 'Booleans and the missing value.', example: 'skip_invalid true' }
];
