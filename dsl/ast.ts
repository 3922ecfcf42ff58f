/**
 * The .ftp abstract syntax tree: plain objects, discriminated by `kind`, each with a `span`
 * (0-based half-open offsets into the source). Built from the CST by build-ast.ts; parse errors
 * leave `Missing` expressions and empty names (`name: ''`) where the input had nothing usable.
 */
import type { Span } from './spans.ts';

export type { Span };

// ---------------------------------------------------------------- names and literals
export interface Ident {
  kind: 'Ident';
  name: string;
  span: Span;
  /** Written in backticks. */
  quoted: boolean;
}

export interface StringLit {
  kind: 'String';
  value: string;
  /** plain "..." with escapes, raw r"...", or triple-quoted """...""" (raw, may span lines) */
  form: 'plain' | 'raw' | 'triple';
  span: Span;
}

export interface NumberLit {
  kind: 'Number';
  value: number;
  /** As written, e.g. `2e-4` */
  text: string;
  integer: boolean;
  span: Span;
}

export interface PercentLit {
  kind: 'Percent';
  /** 80 for `80%` */
  value: number;
  span: Span;
}

export interface DurationLit {
  kind: 'Duration';
  ms: number;
  text: string;
  span: Span;
}

export interface BoolLit {
  kind: 'Bool';
  value: boolean;
  span: Span;
}

export interface NullLit {
  kind: 'Null';
  span: Span;
}

/** `@best`, `@last`, `@epoch 2`, `@step 500`, `@3` (a bare number is a dataset version). */
export interface Selector {
  kind: 'Selector';
  name: Ident | null;
  number: NumberLit | null;
  span: Span;
}

// ---------------------------------------------------------------- settings
export type ListItem = StringLit | NumberLit | PercentLit | BoolLit | Ident;

export interface ListValue {
  kind: 'List';
  items: ListItem[];
  span: Span;
}

/** A bare word: `lora`, `tuned@best`, `bleu(tokenize zh)`. */
export interface WordValue {
  kind: 'Word';
  name: Ident;
  selector: Selector | null;
  /** `(key value, ...)` after the word; null when there are no parentheses. */
  options: WordOption[] | null;
  span: Span;
}

export interface WordOption {
  kind: 'WordOption';
  name: Ident;
  value: Ident | StringLit | NumberLit | PercentLit | BoolLit | null;
  span: Span;
}

export type Value = StringLit | NumberLit | PercentLit | DurationLit | BoolLit | ListValue | WordValue;

export interface Setting {
  kind: 'Setting';
  key: Ident;
  /** The key is one of the language's option words (not a stray identifier). */
  known: boolean;
  values: Value[];
  block: Block | null;
  span: Span;
}

export interface Block {
  kind: 'Block';
  settings: Setting[];
  span: Span;
}

// ---------------------------------------------------------------- expressions
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/';

export interface BinaryExpr {
  kind: 'Binary';
  op: 'or' | 'and' | CompareOp | ArithOp;
  left: Expr;
  right: Expr;
  opSpan: Span;
  span: Span;
}

export interface UnaryExpr {
  kind: 'Unary';
  op: 'not' | '-';
  operand: Expr;
  span: Span;
}

export interface BetweenExpr {
  kind: 'Between';
  negated: boolean;
  expr: Expr;
  low: Expr;
  high: Expr;
  span: Span;
}

export interface InExpr {
  kind: 'In';
  negated: boolean;
  expr: Expr;
  items: Expr[];
  listSpan: Span;
  span: Span;
}

export interface LikeExpr {
  kind: 'Like';
  op: 'like' | 'matches';
  negated: boolean;
  expr: Expr;
  pattern: StringLit;
  span: Span;
}

export interface IsNullExpr {
  kind: 'IsNull';
  negated: boolean;
  expr: Expr;
  span: Span;
}

export interface ColumnRef {
  kind: 'Column';
  name: Ident;
  span: Span;
}

export interface CallExpr {
  kind: 'Call';
  fn: Ident;
  args: Expr[];
  span: Span;
}

/** Where recovery found no expression. */
export interface MissingExpr {
  kind: 'Missing';
  span: Span;
}

export type Expr =
  | BinaryExpr
  | UnaryExpr
  | BetweenExpr
  | InExpr
  | LikeExpr
  | IsNullExpr
  | ColumnRef
  | CallExpr
  | StringLit
  | NumberLit
  | BoolLit
  | NullLit
  | MissingExpr;

// ---------------------------------------------------------------- operators
interface OpBase {
  /** Span of the operator word. */
  head: Span;
  span: Span;
}

export interface FilterOp extends OpBase {
  kind: 'Filter';
  expr: Expr;
}

export interface FilterSqlOp extends OpBase {
  kind: 'FilterSql';
  sql: StringLit;
}

export interface DedupeOp extends OpBase {
  kind: 'Dedupe';
  mode: 'exact' | 'near';
  /** Empty for `dedupe exact` without `on` (the whole conversation). */
  fields: Ident[];
  settings: Setting[];
}

export interface RedactItem {
  kind: 'RedactItem';
  name: Ident;
  /** A custom kind's regular expression. */
  pattern: StringLit | null;
  span: Span;
}

export interface RedactOp extends OpBase {
  kind: 'Redact';
  items: RedactItem[];
}

export interface SampleOp extends OpBase {
  kind: 'Sample';
  amount: NumberLit | PercentLit | null;
  settings: Setting[];
}

export interface LimitOp extends OpBase {
  kind: 'Limit';
  count: NumberLit | null;
}

export interface SystemPromptOp extends OpBase {
  kind: 'SystemPrompt';
  /** set | default | prepend (null: set) */
  mode: Ident | null;
  template: StringLit | null;
}

export interface RolePair {
  kind: 'RolePair';
  from: Ident;
  to: Ident;
  span: Span;
}

export interface MapRolesOp extends OpBase {
  kind: 'MapRoles';
  pairs: RolePair[];
}

export interface BalanceOp extends OpBase {
  kind: 'Balance';
  column: Ident;
  settings: Setting[];
}

export type Operator = FilterOp | FilterSqlOp | DedupeOp | RedactOp | SampleOp | LimitOp | SystemPromptOp | MapRolesOp | BalanceOp;

// ---------------------------------------------------------------- statements
interface StmtBase {
  head: Span;
  span: Span;
}

export interface PipelineStmt extends StmtBase {
  kind: 'Pipeline';
  name: Ident;
  description: StringLit | null;
}

export interface FileSource {
  kind: 'FileSource';
  path: StringLit;
  format: Ident | StringLit | null;
  options: Block | null;
  span: Span;
}

export interface WorkspaceSource {
  kind: 'WorkspaceSource';
  dataset: Ident | StringLit;
  version: NumberLit | null;
  span: Span;
}

export interface DatasetStmt extends StmtBase {
  kind: 'Dataset';
  name: Ident;
  source: FileSource | WorkspaceSource | null;
}

export interface StageStmt extends StmtBase {
  kind: 'Stage';
  name: Ident;
  inputs: Ident[];
  ops: Operator[];
}

export interface SplitPart {
  kind: 'SplitPart';
  name: Ident;
  percent: PercentLit | null;
  span: Span;
}

export interface SplitStmt extends StmtBase {
  kind: 'Split';
  input: Ident;
  parts: SplitPart[];
  settings: Setting[];
}

export interface TrainStmt extends StmtBase {
  kind: 'Train';
  name: Ident;
  data: Ident;
  validation: Ident | null;
  block: Block;
}

export interface ModelRef {
  kind: 'ModelRef';
  /** A name (train stage, or `base`) or a quoted base-model name. */
  target: Ident | StringLit;
  selector: Selector | null;
  span: Span;
}

export interface EvalStmt extends StmtBase {
  kind: 'Eval';
  name: Ident | null;
  models: ModelRef[];
  data: Ident;
  block: Block;
}

export type Statement = PipelineStmt | DatasetStmt | StageStmt | SplitStmt | TrainStmt | EvalStmt;

export interface Comment {
  text: string;
  span: Span;
}

export interface Program {
  kind: 'Program';
  statements: Statement[];
  comments: Comment[];
  span: Span;
}

export type AnyNode = Program | Statement | Operator | Expr | Setting | Block | Value | WordOption | Selector | ModelRef | SplitPart | RolePair | RedactItem | FileSource | WorkspaceSource | Ident | NullLit;

// ---------------------------------------------------------------- type guards
type Kinds = AnyNode['kind'];
type NodeOf<K extends Kinds> = Extract<AnyNode, { kind: K }>;

export function isKind<K extends Kinds>(node: { kind: string } | null | undefined, kind: K): node is NodeOf<K> {
  return node?.kind === kind;
}

const STATEMENT_KINDS = new Set(['Pipeline', 'Dataset', 'Stage', 'Split', 'Train', 'Eval']);
const OPERATOR_KINDS = new Set(['Filter', 'FilterSql', 'Dedupe', 'Redact', 'Sample', 'Limit', 'SystemPrompt', 'MapRoles', 'Balance']);
const EXPR_KINDS = new Set(['Binary', 'Unary', 'Between', 'In', 'Like', 'IsNull', 'Column', 'Call', 'String', 'Number', 'Bool', 'Null', 'Missing']);

export function isStatement(n: { kind: string }): n is Statement {
  return STATEMENT_KINDS.has(n.kind);
}

export function isOperator(n: { kind: string }): n is Operator {
  return OPERATOR_KINDS.has(n.kind);
}

export function isExpr(n: { kind: string }): n is Expr {
  return EXPR_KINDS.has(n.kind);
}

/** Visits every node below (and including) `node`, parents before children. */
export function walk(node: unknown, fn: (n: AnyNode, parent: AnyNode | null) => void, parent: AnyNode | null = null): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) walk(x, fn, parent);
    return;
  }
  const n = node as AnyNode;
  if (typeof n.kind !== 'string') return;
  fn(n, parent);
  for (const [k, v] of Object.entries(n)) {
    if (k === 'span' || k === 'head' || k === 'opSpan' || k === 'listSpan') continue;
    if (v && typeof v === 'object') walk(v, fn, n);
  }
}
