/**
 * Types filter expressions against a dataset's columns. Every node gets a type; a node that is
 * already wrong gets `unknown`, which is compatible with everything, so one mistake yields one
 * diagnostic.
 */
import type { Expr, StringLit } from './ast.ts';
import { diag, type Diagnostic } from './diagnostics.ts';
import type { ColumnFact } from './facts.ts';
import { FUNCTIONS, FUNCTION_NAMES } from './functions.ts';
import type { Span } from './spans.ts';
import { closest } from './suggest.ts';
import { comparable, describeType, isNumeric, typeOfDuck, type ValueType } from './types.ts';

/** The columns an expression may use; `columns` null = not known yet (column checks skipped). */
export interface Scope {
  label: string;
  columns: ColumnFact[] | null;
}

export interface ExprTypes {
  types: Map<Expr, ValueType>;
  /** Columns read, in order of first use. */
  columns: string[];
}

export function lookupColumn(scope: Scope, name: string, span: Span, diags: Diagnostic[]): ValueType {
  if (!scope.columns) return 'unknown';
  const c = scope.columns.find((x) => x.name === name);
  if (c) return typeOfDuck(c.type);
  const names = scope.columns.map((x) => x.name);
  diags.push(diag('E021', span, { column: name, dataset: scope.label, suggestion: closest(name, names), available: names }));
  return 'unknown';
}

/**
 * Regular expressions are written in the common subset of RE2 (DuckDB's engine, used by
 * `matches` and custom redactions) and JavaScript (the evaluator's style rules): no lookaround,
 * no backreferences; a leading flag group such as (?i) or (?is) sets flags.
 */
export function checkRegex(lit: Pick<StringLit, 'value' | 'span'>, diags: Diagnostic[]): boolean {
  const m = /^\(\?([imsU]+)\)/.exec(lit.value);
  const body = m ? lit.value.slice(m[0].length) : lit.value;
  const fail = (message: string) => {
    diags.push(diag('E027', lit.span, { message }));
    return false;
  };
  if (/\(\?<?[=!]/.test(body) || /\\[1-9]/.test(body)) return fail('lookaround and backreferences are not supported (DuckDB uses RE2)');
  if (/\(\?[a-zA-Z]+\)/.test(body)) return fail('flags such as (?i) may only start the expression');
  try {
    new RegExp(body, 'u' + (m?.[1].includes('i') ? 'i' : '') + (m?.[1].includes('s') ? 's' : '') + (m?.[1].includes('m') ? 'm' : ''));
    return true;
  } catch (e) {
    return fail((e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, ''));
  }
}

export function typeExpression(expr: Expr, scope: Scope, diags: Diagnostic[]): ExprTypes {
  const types = new Map<Expr, ValueType>();
  const columns: string[] = [];
  const bad = (t: ValueType) => t === 'unknown';

  const need = (e: Expr, t: ValueType, ok: (t: ValueType) => boolean, op: string, expected: string) => {
    if (!bad(t) && !ok(t)) diags.push(diag('E023', e.span, { op, expected, found: describeType(t) }));
  };

  const visit = (e: Expr): ValueType => {
    const t = typeOf(e);
    types.set(e, t);
    return t;
  };

  const typeOf = (e: Expr): ValueType => {
    switch (e.kind) {
      case 'Missing':
        return 'unknown';
      case 'String':
        return 'string';
      case 'Number':
        return e.integer ? 'integer' : 'float';
      case 'Bool':
        return 'boolean';
      case 'Null':
        return 'null';
      case 'Column': {
        if (!columns.includes(e.name.name)) columns.push(e.name.name);
        return lookupColumn(scope, e.name.name, e.span, diags);
      }
      case 'Unary': {
        const t = visit(e.operand);
        if (e.op === 'not') {
          need(e.operand, t, (x) => x === 'boolean' || x === 'null', 'not', 'a condition (true or false)');
          return 'boolean';
        }
        need(e.operand, t, isNumeric, '-', 'a number');
        return bad(t) ? 'unknown' : t;
      }
      case 'Binary': {
        const l = visit(e.left);
        const r = visit(e.right);
        if (e.op === 'and' || e.op === 'or') {
          need(e.left, l, (x) => x === 'boolean' || x === 'null', e.op, 'conditions on both sides');
          need(e.right, r, (x) => x === 'boolean' || x === 'null', e.op, 'conditions on both sides');
          return 'boolean';
        }
        if (e.op === '+' || e.op === '-' || e.op === '*' || e.op === '/') {
          need(e.left, l, isNumeric, e.op, 'numbers');
          need(e.right, r, isNumeric, e.op, 'numbers');
          if (bad(l) || bad(r) || !isNumeric(l) || !isNumeric(r)) return 'unknown';
          return e.op !== '/' && l === 'integer' && r === 'integer' ? 'integer' : 'float';
        }
        if (e.left.kind === 'Null' || e.right.kind === 'Null') diags.push(diag('W030', e.span, { op: e.op }));
        else if (!comparable(l, r)) diags.push(diag('E022', e.span, { op: e.op, left: describeType(l), right: describeType(r) }));
        return 'boolean';
      }
      case 'Between': {
        const t = visit(e.expr);
        for (const b of [e.low, e.high]) {
          const bt = visit(b);
          if (!comparable(t, bt)) diags.push(diag('E022', b.span, { op: 'between', left: describeType(t), right: describeType(bt) }));
        }
        return 'boolean';
      }
      case 'In': {
        const t = visit(e.expr);
        let first: ValueType | null = null;
        for (const item of e.items) {
          const it = visit(item);
          if (bad(it) || it === 'null') continue;
          if (first && !comparable(first, it)) diags.push(diag('E028', item.span, { expected: describeType(first).replace(/^an? /, '') + 's', found: describeType(it) }));
          else if (!comparable(t, it)) diags.push(diag('E022', item.span, { op: 'in', left: describeType(t), right: describeType(it) }));
          first ??= it;
        }
        return 'boolean';
      }
      case 'Like': {
        const t = visit(e.expr);
        need(e.expr, t, (x) => x === 'string' || x === 'null', e.op, 'a string');
        if (e.op === 'matches') checkRegex(e.pattern, diags);
        return 'boolean';
      }
      case 'IsNull':
        visit(e.expr);
        return 'boolean';
      case 'Call': {
        const argTypes = e.args.map(visit);
        const fn = FUNCTIONS[e.fn.name];
        if (!fn) {
          diags.push(diag('E025', e.fn.span, { name: e.fn.name, suggestion: closest(e.fn.name, FUNCTION_NAMES), functions: FUNCTION_NAMES }));
          return 'unknown';
        }
        if (argTypes.some(bad)) return 'unknown';
        const r = fn.type(argTypes);
        if (typeof r === 'object') {
          diags.push(diag('E026', e.span, { fn: e.fn.name, message: r.error }));
          return 'unknown';
        }
        return r;
      }
    }
  };

  const top = visit(expr);
  if (!bad(top) && top !== 'boolean' && top !== 'null') diags.push(diag('E024', expr.span, { found: describeType(top) }));
  return { types, columns };
}
