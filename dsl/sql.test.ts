import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typeExpression } from './check-expr.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { ColumnFact } from './facts.ts';
import { parse } from './parse.ts';
import { exprToSql, sqlIdent, sqlString, templateToSql } from './sql.ts';
import type { FilterOp, StageStmt } from './ast.ts';

const COLUMNS: ColumnFact[] = [
  { name: 'id', type: 'INTEGER' },
  { name: 'turns', type: 'INTEGER' },
  { name: 'chars', type: 'INTEGER' },
  { name: 'score', type: 'DOUBLE' },
  { name: 'intent', type: 'VARCHAR' },
  { name: 'user_text', type: 'VARCHAR' },
  { name: "it's", type: 'VARCHAR' },
  { name: 'messages', type: 'STRUCT(role VARCHAR, content VARCHAR)[]' }
];

/** Compiles one filter expression; returns the SQL and the diagnostics. */
function compileFilter(expr: string): { sql: string; diags: Diagnostic[] } {
  const src = `pipeline p\nstage s from t {\n  filter ${expr}\n}\n`;
  const parsed = parse(src);
  expect(parsed.diagnostics.map((d) => d.message)).toEqual([]);
  const op = (parsed.ast.statements[1] as StageStmt).ops[0] as FilterOp;
  const diags: Diagnostic[] = [];
  const typing = typeExpression(op.expr, { label: 't', columns: COLUMNS }, diags);
  return { sql: exprToSql(op.expr, typing.types), diags };
}

const sql = (expr: string) => {
  const r = compileFilter(expr);
  expect(r.diags.map((d) => d.message)).toEqual([]);
  return r.sql;
};

describe('quoting', () => {
  it('double-quotes identifiers and doubles embedded quotes', () => {
    expect(sqlIdent('a"b')).toBe('"a""b"');
    expect(sql('`it\'s` = "x"')).toBe(`"it's" = 'x'`);
  });
  it("single-quotes strings and doubles embedded quotes", () => {
    expect(sqlString("O'Brien")).toBe("'O''Brien'");
    expect(sql(`intent = "O'Brien; DROP TABLE x; --"`)).toBe(`"intent" = 'O''Brien; DROP TABLE x; --'`);
  });
  it('keeps backslashes of raw strings literal', () => {
    expect(sql('user_text matches r"\\d{3}"')).toBe(`regexp_matches("user_text", '\\d{3}')`);
  });
});

describe('precedence', () => {
  it('and binds tighter than or; parentheses only where needed', () => {
    expect(sql('turns > 1 or turns < 5 and chars > 3')).toBe('"turns" > 1 OR "turns" < 5 AND "chars" > 3');
    expect(sql('(turns > 1 or turns < 5) and chars > 3')).toBe('("turns" > 1 OR "turns" < 5) AND "chars" > 3');
  });
  it('keeps the tree of arithmetic', () => {
    expect(sql('turns - (chars - 1) > 0')).toBe('"turns" - ("chars" - 1) > 0');
    expect(sql('turns - chars - 1 > 0')).toBe('"turns" - "chars" - 1 > 0');
    expect(sql('turns * (chars + 1) > 0')).toBe('"turns" * ("chars" + 1) > 0');
    expect(sql('turns * chars + 1 > 0')).toBe('"turns" * "chars" + 1 > 0');
  });
  it('never writes -- (a SQL comment) for a double negation', () => {
    expect(sql('- -turns < 3')).toBe('-(-"turns") < 3');
  });
  it('not applies to the whole comparison', () => {
    expect(sql('not turns > 2')).toBe('NOT "turns" > 2');
    expect(sql('not (turns > 2 or chars > 3)')).toBe('NOT ("turns" > 2 OR "chars" > 3)');
  });
  it('between inside and', () => {
    expect(sql('chars between 1 and 10 and turns > 1')).toBe('"chars" BETWEEN 1 AND 10 AND "turns" > 1');
  });
});

describe('predicates and functions', () => {
  it('in, like, matches, is null, with negations', () => {
    expect(sql('intent not in ["a", "b"]')).toBe(`"intent" NOT IN ('a', 'b')`);
    expect(sql('user_text not like "%x%"')).toBe(`"user_text" NOT LIKE '%x%'`);
    expect(sql('user_text not matches "x+"')).toBe(`NOT regexp_matches("user_text", 'x+')`);
    expect(sql('intent is not null')).toBe('"intent" IS NOT NULL');
  });
  it('length counts characters of text and items of lists', () => {
    expect(sql('length(user_text) > 3')).toBe('length("user_text") > 3');
    expect(sql('length(messages) > 3')).toBe('len("messages") > 3');
  });
});

describe('type errors', () => {
  const codes = (e: string) => compileFilter(e).diags.map((d) => d.code);
  it('rejects comparing text with numbers, with the span of the comparison', () => {
    const r = compileFilter('intent > 3');
    expect(r.diags.map((d) => d.code)).toEqual(['E022']);
    const src = `pipeline p\nstage s from t {\n  filter intent > 3\n}\n`;
    expect(src.slice(r.diags[0].span.start, r.diags[0].span.end)).toBe('intent > 3');
  });
  it('rejects arithmetic on text, like on numbers, non-boolean filters, bad calls', () => {
    expect(codes('user_text + 1 > 2')).toEqual(['E023']);
    expect(codes('turns like "1"')).toEqual(['E023']);
    expect(codes('turns * 2')).toEqual(['E024']);
    expect(codes('length(turns) > 1')).toEqual(['E026']);
    expect(codes('upper(user_text, 1) = "A"')).toEqual(['E026']);
    expect(codes('intent in ["a", 1]')).toEqual(['E028']);
    expect(codes('turns and chars')).toEqual(['E023', 'E023']);
  });
  it('reports an unknown column once, not again in what contains it', () => {
    expect(codes('turn + 1 > chars and intent = "a"')).toEqual(['E021']);
  });
  it('compares integers with decimals and null with anything (with a warning for = null)', () => {
    expect(codes('score > 1')).toEqual([]);
    expect(codes('intent = null')).toEqual(['W030']);
  });
});

describe('the SQL runs in DuckDB and selects what the expression says', () => {
  let db: DuckDBInstance;
  beforeAll(async () => {
    db = await DuckDBInstance.create(':memory:');
  });
  afterAll(() => db.closeSync?.());

  const rows = `SELECT * FROM (VALUES
      (1, 1, 10, 0.5, 'billing', 'refund please', 'x'),
      (2, 3, 200, 2.5, 'shipping', 'where is ORD-123456', 'y'),
      (3, 5, 4000, 1.0, NULL, 'O''Brien here', NULL),
      (4, 2, 50, 3.0, 'returns', '', 'z')
    ) AS t(id, turns, chars, score, intent, user_text, "it's")`;

  async function ids(expr: string): Promise<number[]> {
    const c = await db.connect();
    try {
      const r = await c.runAndReadAll(`SELECT id FROM (${rows}) WHERE ${sql(expr)} ORDER BY id`);
      return r.getRowObjectsJS().map((x) => Number(x.id));
    } finally {
      c.closeSync();
    }
  }

  it('comparisons, boolean logic and arithmetic', async () => {
    expect(await ids('turns >= 2 and chars between 20 and 4000')).toEqual([2, 3, 4]);
    expect(await ids('turns > 4 or turns < 2 and chars < 100')).toEqual([1, 3]);
    expect(await ids('(turns > 4 or turns < 2) and chars < 100')).toEqual([1]);
    expect(await ids('chars / turns > 50')).toEqual([2, 3]);
    expect(await ids('- -turns = 3')).toEqual([2]);
  });
  it('text predicates, quoting and nulls', async () => {
    expect(await ids('intent not in ["billing", "returns"]')).toEqual([2]);
    expect(await ids('intent is null')).toEqual([3]);
    expect(await ids('user_text like "%Brien%"')).toEqual([3]);
    expect(await ids(`user_text = "O'Brien here"`)).toEqual([3]);
    expect(await ids('user_text matches r"ORD-[0-9]{6}"')).toEqual([2]);
    expect(await ids('length(user_text) = 0')).toEqual([4]);
    expect(await ids('words(user_text) = 2')).toEqual([1, 3]);
    expect(await ids('`it\'s` = "z"')).toEqual([4]);
  });
});

describe('templates', () => {
  it('renders placeholders with NULL as empty text and casts non-text columns', () => {
    expect(templateToSql('[STYLE:{style}] hi {{x}} {turns}', { style: 'VARCHAR', turns: 'INTEGER' })).toBe(
      `'[STYLE:' || coalesce("style", '') || '] hi {x} ' || coalesce(CAST("turns" AS VARCHAR), '')`
    );
    expect(templateToSql('', {})).toBe("''");
  });
});
