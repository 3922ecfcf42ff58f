/**
 * The checker: AST + Facts → diagnostics, needs, and (when there are no errors) the typed
 * program. Reports every error it can find in one pass:
 *
 *   1. one pipeline statement;
 *   2. the names each statement defines (one namespace), duplicates;
 *   3. the dependency graph between statements, cycles;
 *   4. each statement in dependency order, so that the columns flowing out of one are known
 *      when the next is checked (sources take theirs from Facts; operators keep their input's;
 *      a stage reading several inputs gets the union by name);
 *   5. datasets never used.
 *
 * No I/O: whatever it would need to look up is a `need` (see facts.ts).
 */
import type * as A from './ast.ts';
import { CheckContext, DATA_KINDS, KIND_WORDS, type Def } from './check-context.ts';
import { checkEval } from './check-eval.ts';
import { checkOperator, checkSource, checkSplit, unionColumns } from './check-ops.ts';
import { checkTrain } from './check-train.ts';
import { diag, hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.ts';
import { emptyNeeds, type ColumnFact, type Facts, type Needs } from './facts.ts';
import type { CheckedNode, CheckedOp, CheckedProgram } from './typed.ts';

export interface CheckResult {
  diagnostics: Diagnostic[];
  needs: Needs;
  /** The typed program; null when there are errors. */
  program: CheckedProgram | null;
  /** Columns of every data name as far as known (null: unknown), for the editor services. */
  schemas: Record<string, ColumnFact[] | null>;
}

function collectDefs(ast: A.Program, cx: CheckContext): void {
  const define = (name: A.Ident, kind: Def['kind'], stmt: A.Statement, part?: Def['part']) => {
    if (!name.name) return;
    const first = cx.defs.get(name.name);
    if (first) {
      cx.diags.push(diag('E012', name.span, { name: name.name, kind: KIND_WORDS[first.kind] }, { related: [{ span: first.span, message: 'first defined here' }] }));
      return;
    }
    cx.defs.set(name.name, { kind, name: name.name, span: name.span, stmt, part });
  };
  for (const s of ast.statements) {
    if (s.kind === 'Dataset') define(s.name, 'dataset', s);
    else if (s.kind === 'Stage') define(s.name, 'stage', s);
    else if (s.kind === 'Split') for (const p of s.parts) define(p.name, 'part', s, { part: p, split: s });
    else if (s.kind === 'Train') define(s.name, 'train', s);
    else if (s.kind === 'Eval' && s.name) define(s.name, 'eval', s);
  }
}

/** Names a statement reads (only those that are defined; unknown ones are reported later). */
function references(s: A.Statement, cx: CheckContext): A.Ident[] {
  const refs: A.Ident[] = [];
  if (s.kind === 'Stage') refs.push(...s.inputs);
  else if (s.kind === 'Split') refs.push(s.input);
  else if (s.kind === 'Train') {
    refs.push(s.data);
    if (s.validation) refs.push(s.validation);
    const base = s.block.settings.find((x) => x.key.name === 'base')?.values[0];
    if (base?.kind === 'Word') refs.push(base.name);
  } else if (s.kind === 'Eval') {
    refs.push(s.data);
    for (const m of s.models) if (m.target.kind === 'Ident') refs.push(m.target);
  }
  return refs.filter((r) => cx.defs.has(r.name));
}

/** Statements in dependency order; statements on a cycle are reported and left out. */
function order(ast: A.Program, cx: CheckContext): A.Statement[] {
  const stmts = ast.statements.filter((s) => s.kind !== 'Pipeline');
  const index = new Map<A.Statement, number>(stmts.map((s, i) => [s, i]));
  const deps = stmts.map((s) => [...new Set(references(s, cx).map((r) => index.get(cx.defs.get(r.name)!.stmt)!))]);
  for (const s of stmts) for (const r of references(s, cx)) cx.used.add(r.name);
  // Tarjan's strongly connected components
  const idx: number[] = Array(stmts.length).fill(-1);
  const low: number[] = Array(stmts.length).fill(0);
  const onStack: boolean[] = Array(stmts.length).fill(false);
  const stack: number[] = [];
  const cyclic = new Set<number>();
  let counter = 0;
  const strong = (v: number) => {
    idx[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = true;
    for (const w of deps[v]) {
      if (idx[w] === -1) {
        strong(w);
        low[v] = Math.min(low[v], low[w]);
      } else if (onStack[w]) low[v] = Math.min(low[v], idx[w]);
    }
    if (low[v] !== idx[v]) return;
    const comp: number[] = [];
    let w: number;
    do {
      w = stack.pop()!;
      onStack[w] = false;
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || deps[v].includes(v)) {
      comp.sort((a, b) => a - b);
      for (const c of comp) cyclic.add(c);
      reportCycle(comp, stmts, deps, cx);
    }
  };
  for (let v = 0; v < stmts.length; v++) if (idx[v] === -1) strong(v);
  // Kahn, ties broken by source order
  const out: A.Statement[] = [];
  const done = new Set<number>(cyclic);
  while (out.length + cyclic.size < stmts.length) {
    const next = stmts.findIndex((_, i) => !done.has(i) && deps[i].every((d) => done.has(d)));
    if (next === -1) break;
    done.add(next);
    out.push(stmts[next]);
  }
  return out;
}

function stmtName(s: A.Statement): string {
  if (s.kind === 'Split') return s.parts.map((p) => p.name.name).join('+');
  if (s.kind === 'Pipeline' || s.kind === 'Dataset' || s.kind === 'Stage' || s.kind === 'Train') return s.name.name;
  return s.name?.name ?? 'eval';
}

function reportCycle(comp: number[], stmts: A.Statement[], deps: number[][], cx: CheckContext): void {
  // walk the cycle from its first statement in source order
  const start = comp[0];
  const path = [start];
  let cur = start;
  for (let guard = 0; guard < comp.length; guard++) {
    const next = deps[cur].find((d) => comp.includes(d) && (d === start || !path.includes(d)));
    if (next === undefined || next === start) break;
    path.push(next);
    cur = next;
  }
  const names = [...path, start].map((i) => stmtName(stmts[i]));
  const s = stmts[start];
  const at = s.kind === 'Split' ? s.input.span : s.kind === 'Eval' ? s.head : s.kind === 'Pipeline' ? s.head : s.name.span;
  cx.diags.push(diag('E015', at, { cycle: names }));
}

function checkStage(s: A.StageStmt, cx: CheckContext): CheckedNode | null {
  const inputs = s.inputs.map((i) => cx.resolve(i, DATA_KINDS, 'dataset or stage')).filter((d): d is Def => d !== null);
  if (inputs.length !== s.inputs.length) {
    cx.schemas.set(s.name.name, null);
    for (const op of s.ops) checkOperator(op, { label: s.name.name, columns: null }, cx);
    return null;
  }
  const columns = unionColumns(inputs.map((d) => cx.schemas.get(d.name) ?? null));
  const scope = { label: inputs.map((d) => d.name).join(' + '), columns };
  const ops: CheckedOp[] = [];
  for (const op of s.ops) {
    const c = checkOperator(op, scope, cx);
    if (c) ops.push(c);
  }
  if (s.ops.length === 0 && s.inputs.length === 1) cx.diags.push(diag('W062', s.name.span, { name: s.name.name }));
  cx.schemas.set(s.name.name, columns);
  return { kind: 'stage', name: s.name.name, span: s.span, inputs: inputs.map((d) => d.name), ops };
}

export function checkProgram(ast: A.Program, facts: Facts, source: string): CheckResult {
  const cx = new CheckContext(facts, emptyNeeds(), source);
  const pipelines = ast.statements.filter((s): s is A.PipelineStmt => s.kind === 'Pipeline');
  if (pipelines.length === 0) {
    const first = ast.statements[0];
    cx.diags.push(diag('E010', first ? first.head : { start: 0, end: 0 }, {}));
  }
  for (const p of pipelines.slice(1)) cx.diags.push(diag('E011', p.name.span, { name: p.name.name }, { related: [{ span: pipelines[0].name.span, message: 'the pipeline is declared here' }] }));

  collectDefs(ast, cx);
  const nodes: CheckedNode[] = [];
  const evalNames = new Set<string>();
  for (const s of order(ast, cx)) {
    let node: CheckedNode | null = null;
    if (s.kind === 'Dataset') node = checkSource(s, cx);
    else if (s.kind === 'Stage') node = checkStage(s, cx);
    else if (s.kind === 'Split') {
      const input = cx.resolve(s.input, DATA_KINDS, 'dataset or stage');
      const scope = cx.scope(input?.name ?? '', s.input.name);
      node = checkSplit(s, scope, cx);
      for (const p of s.parts) cx.schemas.set(p.name.name, scope.columns);
      if (!input) node = null;
    } else if (s.kind === 'Train') {
      const data = cx.resolve(s.data, DATA_KINDS, 'dataset or stage');
      const val = s.validation ? cx.resolve(s.validation, DATA_KINDS, 'dataset or stage') : null;
      node = checkTrain(s, cx);
      if (!data || (s.validation && !val)) node = null;
    } else if (s.kind === 'Eval') {
      const data = cx.resolve(s.data, DATA_KINDS, 'dataset or stage');
      let name = s.name?.name ?? 'eval';
      for (let i = 2; !s.name && (cx.defs.has(name) || evalNames.has(name)); i++) name = `eval_${i}`;
      evalNames.add(name);
      node = checkEval(s, name, cx.scope(data?.name ?? '', s.data.name), cx);
      if (!data) node = null;
    }
    if (node) nodes.push(node);
  }
  for (const d of cx.defs.values()) {
    if (d.kind === 'dataset' && !cx.used.has(d.name)) cx.diags.push(diag('W061', d.span, { name: d.name, kind: 'dataset' }));
  }
  const diagnostics = sortDiagnostics(cx.diags);
  const pipeline = pipelines[0];
  const program: CheckedProgram | null = hasErrors(diagnostics) ? null : { pipeline: pipeline.name.name, description: pipeline.description?.value ?? null, nodes };
  return { diagnostics, needs: cx.needs, program, schemas: Object.fromEntries(cx.schemas) };
}
