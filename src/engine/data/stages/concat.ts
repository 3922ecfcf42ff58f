/**
 * concat: the rows of all inputs, in input order, matching columns by name (a column missing from
 * an input is NULL there). Columns come out in the canonical order: conversation_id, messages,
 * tools, the metadata columns in order of first appearance, then the trailing columns.
 */
import path from 'node:path';
import type { ConcatStage } from '../../../../dsl/plan.ts';
import type { DescribeInput, StageContext, StageExecutor } from '../../runs/stage-executor.ts';
import { queryRows } from '../duckdb.ts';
import { CORE_COLUMNS, RESERVED_COLUMNS, TRAILING_COLUMNS } from '../schema.ts';
import { copyRows, parquetRows, withStageConnection } from './operator.ts';
import { ident, q, withCtes } from './sql.ts';

/** Canonical column order for the union of the inputs' columns. */
export function canonicalOrder(columnLists: string[][]): string[] {
  const all: string[] = [];
  for (const cols of columnLists) for (const c of cols) if (!all.includes(c)) all.push(c);
  const core = CORE_COLUMNS.map((c) => c.name as string).filter((c) => all.includes(c));
  const trailing = TRAILING_COLUMNS.map((c) => c.name as string).filter((c) => all.includes(c));
  return [...core, ...all.filter((c) => !RESERVED_COLUMNS.has(c)), ...trailing];
}

export function concatSql(files: string[], columns: string[] | null): string {
  const relation = `read_parquet([${files.map(q).join(', ')}], union_by_name = true)`;
  return withCtes([
    ['inputs', `select * from ${relation}`],
    ['final', `select ${columns ? columns.map(ident).join(', ') : '*'}\n  from inputs`]
  ]);
}

export const concatExecutor: StageExecutor<ConcatStage> = {
  cacheable: () => true,
  async run(ctx: StageContext<ConcatStage>) {
    const files = ctx.inputs.map((i) => i.output.path);
    const lists = await Promise.all(files.map((f) => queryRows<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${q(f)})`).then((r) => r.map((c) => c.column_name))));
    let rowsIn = 0;
    for (const i of ctx.inputs) rowsIn += i.output.rows ?? (await parquetRows(i.output.path));
    const file = path.join(ctx.outDir, 'main.parquet');
    const rowsOut = await withStageConnection(ctx.signal, (conn) => copyRows(conn, concatSql(files, canonicalOrder(lists)), file));
    return {
      outputs: { main: { kind: 'parquet', path: file, rows: rowsOut } },
      rowsIn,
      rowsOut,
      summary: { rows_in: rowsIn, rows_out: rowsOut, inputs: ctx.inputs.map((i) => ({ name: i.name, rows: i.output.rows ?? null })) }
    };
  },
  describe(_stage: ConcatStage, inputs: DescribeInput[]) {
    const files = inputs.map((i) => /^read_parquet\('((?:[^']|'')*)'/.exec(i.relation)?.[1]?.replaceAll("''", "'") ?? i.name);
    return { sql: [{ title: 'output', text: concatSql(files, null) }], notes: ['columns are matched by name and put in the canonical order (core, metadata, derived)'] };
  }
};
