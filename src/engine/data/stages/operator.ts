/**
 * The shared executor for data operators that are one SQL query: read the input's Parquet, run
 * the operator's query, COPY the result to main.parquet in the stage's output folder, then run
 * the operator's report queries. The query an operator builds is exactly what `tunebench plan`
 * prints and what runs.
 */
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PlanStage } from '../../../../dsl/plan.ts';
import type { DescribeInput, StageContext, StageDescription, StageExecutor, StageResult } from '../../runs/stage-executor.ts';
import { engineDb, queryRows } from '../duckdb.ts';
import { copyToParquet, cteName, parquetRelation } from './sql.ts';

export interface SqlInput {
  /** The input's source-level name (tickets, clean.2). */
  name: string;
  /** Its CTE name in the operator's SQL. */
  cte: string;
  /** A table expression reading it (read_parquet(..., file_row_number = true)). */
  relation: string;
  rows: number | null;
}

export interface OperatorSql {
  /** Statements to run first (SET VARIABLE rows_in = ...). */
  preamble: string[];
  select: string;
}

export interface ReportContext {
  input: SqlInput;
  /** The written output as a table expression. */
  output: string;
  rowsIn: number;
  rowsOut: number;
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
}

export interface SqlOperator<S extends PlanStage> {
  build(stage: S, input: SqlInput): OperatorSql;
  /** Extra figures for the summary (counts per kind, groups, classes). */
  report?(stage: S, r: ReportContext): Promise<Record<string, unknown>>;
  notes?(stage: S): string[];
}

/** Runs `fn` on its own connection; aborting `signal` interrupts the running query. */
export async function withStageConnection<T>(signal: AbortSignal, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  const conn = await (await engineDb()).connect();
  const onAbort = () => conn.interrupt();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await fn(conn);
    signal.throwIfAborted();
    return result;
  } catch (e) {
    signal.throwIfAborted(); // an interrupted query reports the cancellation, not DuckDB's INTERRUPT
    throw e;
  } finally {
    signal.removeEventListener('abort', onAbort);
    conn.closeSync();
  }
}

/** COPY ... TO parquet; returns the number of rows written. */
export async function copyRows(conn: DuckDBConnection, select: string, file: string): Promise<number> {
  const rows = await queryRows<{ Count: number }>(copyToParquet(select, file), conn);
  return Number(rows[0]?.Count ?? 0);
}

export async function parquetRows(file: string, conn?: DuckDBConnection): Promise<number> {
  const r = await queryRows<{ n: number }>(`SELECT count(*) AS n FROM read_parquet('${file.replaceAll("'", "''")}')`, conn);
  return Number(r[0]?.n ?? 0);
}

/** The one data input of an operator stage, as SQL. */
export async function sqlInput(ctx: StageContext, taken: string[] = []): Promise<SqlInput> {
  const input = ctx.inputs[0];
  if (!input || input.output.kind !== 'parquet') throw new Error(`${ctx.stage.id} needs one dataset input`);
  const rows = input.output.rows ?? (await parquetRows(input.output.path));
  return { name: input.name, cte: cteName(input.name, taken), relation: parquetRelation(input.output.path), rows };
}

export function describeInput(d: DescribeInput, taken: string[] = []): SqlInput {
  return { name: d.name, cte: cteName(d.name, taken), relation: d.relation, rows: d.rows };
}

/** What a statement before the main query is for, for `tunebench plan`. */
export function preambleTitle(text: string): string {
  const name = /^SET VARIABLE (\w+)/.exec(text)?.[1];
  if (name === 'rows_in') return 'input row count';
  if (name === 'keep_rows') return 'rows to keep (a bitmap of row numbers)';
  if (name === 'drop_rows') return 'rows to drop (a bitmap of row numbers)';
  if (name?.startsWith('part_')) return `rows of part ${name.slice(5)} (a bitmap of row numbers)`;
  return 'set up';
}

/** Logical CTE names operators use; an input named like one gets a suffix. */
export const LOGICAL_CTES = ['final', 'keep', 'drop_bits', 'chosen', 'ranked', 'first_rows', 'changed', 'recomputed', 'near_duplicates', 'near_groups', 'grouped', 'clusters', 'placed', 'assigned', 'inputs'];

export function sqlOperatorExecutor<S extends PlanStage>(op: SqlOperator<S>): StageExecutor<S> {
  return {
    cacheable: () => true,
    async run(ctx: StageContext<S>): Promise<StageResult> {
      const input = await sqlInput(ctx, LOGICAL_CTES);
      const file = path.join(ctx.outDir, 'main.parquet');
      const { preamble, select } = op.build(ctx.stage, input);
      ctx.events.progress({ done: 0, total: input.rows, unit: 'rows' });
      const { rowsOut, extra } = await withStageConnection(ctx.signal, async (conn) => {
        for (const s of preamble) await conn.run(s);
        const rowsOut = await copyRows(conn, select, file);
        const extra = op.report
          ? await op.report(ctx.stage, { input, output: `read_parquet('${file.replaceAll("'", "''")}')`, rowsIn: input.rows ?? 0, rowsOut, query: (sql) => queryRows(sql, conn) })
          : {};
        return { rowsOut, extra };
      });
      ctx.events.progress({ done: input.rows ?? 0, total: input.rows, unit: 'rows' });
      const rowsIn = input.rows ?? 0;
      return { outputs: { main: { kind: 'parquet', path: file, rows: rowsOut } }, rowsIn, rowsOut, summary: { rows_in: rowsIn, rows_out: rowsOut, removed: rowsIn - rowsOut, ...extra } };
    },
    describe(stage: S, inputs: DescribeInput[]): StageDescription {
      const input = describeInput(inputs[0], LOGICAL_CTES);
      const { preamble, select } = op.build(stage, input);
      return { sql: [...preamble.map((text) => ({ title: preambleTitle(text), text })), { title: 'output', text: select }], notes: op.notes?.(stage) ?? [] };
    }
  };
}
