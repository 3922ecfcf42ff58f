/**
 * What the per-statement checks share: the diagnostics list, the needs being collected, the
 * facts given, the table of defined names and the schemas computed so far.
 */
import type { Ident, SplitPart, SplitStmt, Statement } from './ast.ts';
import type { Scope } from './check-expr.ts';
import { diag, type Diagnostic } from './diagnostics.ts';
import type { ColumnFact, Facts, ModelFact, Needs } from './facts.ts';
import type { Span } from './spans.ts';
import { closest } from './suggest.ts';
import { typeOfDuck, type ValueType } from './types.ts';

export type DefKind = 'dataset' | 'stage' | 'part' | 'train' | 'eval';

export interface Def {
  kind: DefKind;
  name: string;
  span: Span;
  stmt: Statement;
  /** For parts: the part and its split. */
  part?: { part: SplitPart; split: SplitStmt };
}

export const KIND_WORDS: Record<DefKind, string> = {
  dataset: 'dataset',
  stage: 'stage',
  part: 'split part',
  train: 'train stage',
  eval: 'eval'
};

export const DATA_KINDS: DefKind[] = ['dataset', 'stage', 'part'];

export class CheckContext {
  readonly diags: Diagnostic[] = [];
  readonly defs = new Map<string, Def>();
  /** Output columns of each data name; null = unknown (missing facts or an error upstream). */
  readonly schemas = new Map<string, ColumnFact[] | null>();
  /** Root base model of each train stage (null = unknown). */
  readonly roots = new Map<string, { name: string; arch: string | null } | null>();
  /** Names some statement refers to. */
  readonly used = new Set<string>();

  constructor(
    readonly facts: Facts,
    readonly needs: Needs,
    readonly source: string
  ) {}

  /** Known models, or null when the caller has not given them (and then they are needed). */
  models(): ModelFact[] | null {
    if (this.facts.models) return this.facts.models;
    this.needs.models = true;
    return null;
  }

  /** Resolves a reference to a defined name of one of `kinds`; reports E013/E014 otherwise. */
  resolve(ref: Ident, kinds: DefKind[], expected: string): Def | null {
    if (!ref.name) return null;
    const def = this.defs.get(ref.name);
    if (!def) {
      const candidates = [...this.defs.values()].filter((d) => kinds.includes(d.kind)).map((d) => d.name);
      this.diags.push(diag('E013', ref.span, { name: ref.name, expected, suggestion: closest(ref.name, candidates), available: candidates }));
      return null;
    }
    this.used.add(def.name);
    if (!kinds.includes(def.kind)) {
      this.diags.push(diag('E014', ref.span, { name: ref.name, found: KIND_WORDS[def.kind], expected }, { related: [{ span: def.span, message: `${ref.name} is defined here` }] }));
      return null;
    }
    return def;
  }

  scope(dataName: string, label = dataName): Scope {
    return { label, columns: this.schemas.get(dataName) ?? null };
  }

  columnType(scope: Scope, column: string): ValueType | null {
    const c = scope.columns?.find((x) => x.name === column);
    return c ? typeOfDuck(c.type) : null;
  }
}
