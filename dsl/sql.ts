/**
 * Typed filter expressions → DuckDB SQL. Identifiers are always double-quoted, string literals
 * single-quoted with quotes doubled; parentheses appear only where precedence needs them, so
 * the SQL reads like the source (it is shown by `tunebench plan` and in the SQL console).
 */
import type { Expr } from './ast.ts';
import { FUNCTIONS } from './functions.ts';
import { parseTemplate } from './template.ts';
import { typeOfDuck, type ValueType } from './types.ts';

export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

// binding strength, loosest first
const OR = 1;
const AND = 2;
const NOT = 3;
const CMP = 4;
const ADD = 5;
const MUL = 6;
const NEG = 7;
const ATOM = 8;

function prec(e: Expr): number {
  switch (e.kind) {
    case 'Binary':
      return e.op === 'or' ? OR : e.op === 'and' ? AND : e.op === '+' || e.op === '-' ? ADD : e.op === '*' || e.op === '/' ? MUL : CMP;
    case 'Unary':
      return e.op === 'not' ? NOT : NEG;
    case 'Between':
    case 'In':
    case 'Like':
    case 'IsNull':
      return CMP;
    default:
      return ATOM;
  }
}

export function exprToSql(e: Expr, types: Map<Expr, ValueType>): string {
  /** Renders `c` where at least binding strength `min` is needed. */
  const sub = (c: Expr, min: number): string => {
    const s = go(c);
    return prec(c) < min ? `(${s})` : s;
  };
  const go = (x: Expr): string => {
    switch (x.kind) {
      case 'String':
        return sqlString(x.value);
      case 'Number':
        return x.text;
      case 'Bool':
        return x.value ? 'TRUE' : 'FALSE';
      case 'Null':
        return 'NULL';
      case 'Missing':
        return 'NULL';
      case 'Column':
        return sqlIdent(x.name.name);
      case 'Call': {
        const fn = FUNCTIONS[x.fn.name];
        return fn.sql(
          x.args.map((a) => go(a)),
          x.args.map((a) => types.get(a) ?? 'unknown')
        );
      }
      case 'Unary':
        // never emit `--` (a SQL comment) for a double negation
        if (x.op === '-') return x.operand.kind === 'Unary' && x.operand.op === '-' ? `-(${go(x.operand)})` : `-${sub(x.operand, NEG)}`;
        return `NOT ${sub(x.operand, NOT)}`;
      case 'Binary': {
        const p = prec(x);
        if (x.op === 'and' || x.op === 'or') return `${sub(x.left, p)} ${x.op.toUpperCase()} ${sub(x.right, p)}`;
        if (p === CMP) return `${sub(x.left, ADD)} ${x.op} ${sub(x.right, ADD)}`;
        // left-associative: the right operand binds tighter
        return `${sub(x.left, p)} ${x.op} ${sub(x.right, p + 1)}`;
      }
      case 'Between':
        return `${sub(x.expr, ADD)} ${x.negated ? 'NOT ' : ''}BETWEEN ${sub(x.low, ADD)} AND ${sub(x.high, ADD)}`;
      case 'In':
        return `${sub(x.expr, ADD)} ${x.negated ? 'NOT ' : ''}IN (${x.items.map((i) => sub(i, ADD)).join(', ')})`;
      case 'Like':
        if (x.op === 'like') return `${sub(x.expr, ADD)} ${x.negated ? 'NOT ' : ''}LIKE ${sqlString(x.pattern.value)}`;
        return `${x.negated ? 'NOT ' : ''}regexp_matches(${go(x.expr)}, ${sqlString(x.pattern.value)})`;
      case 'IsNull':
        return `${sub(x.expr, ADD)} IS ${x.negated ? 'NOT ' : ''}NULL`;
    }
  };
  return go(e);
}

/** A VARCHAR expression rendering a {column} template for one row; NULL values render as ''. */
export function templateToSql(template: string, columnTypes: Record<string, string>): string {
  const parts = parseTemplate(template).map((p) => {
    if (p.kind === 'text') return sqlString(p.text);
    const col = sqlIdent(p.name);
    const t = columnTypes[p.name];
    const text = t && typeOfDuck(t) === 'string' ? col : `CAST(${col} AS VARCHAR)`;
    return `coalesce(${text}, '')`;
  });
  return parts.length ? parts.join(' || ') : "''";
}
