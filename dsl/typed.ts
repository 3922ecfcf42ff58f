/**
 * The typed AST: what check() hands to compile(). Names are resolved, every option is read into
 * its Plan parameter type with defaults filled in, and filter expressions carry their types.
 * Only produced for programs without errors, so nothing here is partial.
 */
import type { Expr } from './ast.ts';
import type { ExprTypes } from './check-expr.ts';
import type * as P from './plan.ts';
import type { Span } from './spans.ts';

export type CheckedOp =
  | { kind: 'filter'; span: Span; expr: Expr; typing: ExprTypes }
  | { kind: 'filter_sql'; span: Span; sql: string }
  | { kind: 'dedupe_exact'; span: Span; params: P.DedupeExactParams }
  | { kind: 'dedupe_near'; span: Span; params: P.DedupeNearParams }
  | { kind: 'redact'; span: Span; params: P.RedactParams }
  | { kind: 'sample'; span: Span; params: P.SampleParams }
  | { kind: 'limit'; span: Span; params: P.LimitParams }
  | { kind: 'system_prompt'; span: Span; params: Omit<P.SystemPromptParams, 'sql'>; columnTypes: Record<string, string> }
  | { kind: 'map_roles'; span: Span; params: P.MapRolesParams }
  | { kind: 'balance'; span: Span; params: P.BalanceParams };

export interface CheckedSource {
  kind: 'source';
  name: string;
  span: Span;
  params: P.SourceParams;
}

export interface CheckedStage {
  kind: 'stage';
  name: string;
  span: Span;
  /** Names of the data this stage reads. */
  inputs: string[];
  ops: CheckedOp[];
}

export interface CheckedSplit {
  kind: 'split';
  /** The plan id: part names joined by '+'. */
  id: string;
  span: Span;
  input: string;
  params: P.SplitParams;
}

export interface CheckedTrain {
  kind: 'train';
  name: string;
  span: Span;
  data: string;
  validation: string | null;
  params: P.TrainParams;
}

export interface CheckedEval {
  kind: 'eval';
  /** As written, or eval, eval_2, ... for unnamed ones. */
  name: string;
  span: Span;
  data: string;
  params: P.EvalParams;
}

export type CheckedNode = CheckedSource | CheckedStage | CheckedSplit | CheckedTrain | CheckedEval;

export interface CheckedProgram {
  pipeline: string;
  description: string | null;
  /** In dependency order (ties in source order): every node comes after the nodes it reads. */
  nodes: CheckedNode[];
}
