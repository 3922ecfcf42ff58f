/**
 * Building blocks for operator SQL that reads like a dbt model: import CTEs (one per input,
 * named after it) → logical CTEs → `select * from final`. Every input is read with
 * `file_row_number = true`, the row's position in its input, which is what "first" and "source
 * order" mean for every operator.
 *
 * Order: DuckDB keeps the input order through scans, filters and projections, but not through
 * joins or window functions. Operators that choose rows with a join, an aggregate or a window
 * therefore store the chosen row numbers as a bitmap in a variable (bitstring_agg, SET VARIABLE)
 * and filter the input with get_bit(): deterministic output order without sorting wide rows (a
 * sort of 1M nested rows costs more than the rest of the stage).
 */
import { sqlIdent, sqlString } from '../duckdb.ts';

export const q = sqlString;
export const ident = sqlIdent;

/** The SQL table expression that reads a stage output. */
export function parquetRelation(file: string): string {
  return `read_parquet(${q(file)}, file_row_number = true)`;
}

/** A CTE name for an input: its name with anything but letters, digits and _ replaced. */
export function cteName(name: string, taken: readonly string[] = []): string {
  let n = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(n)) n = `input_${n}`;
  return taken.includes(n.toLowerCase()) ? `${n}_input` : n;
}

/** Indents every line after the first by two spaces (for CTE bodies). */
function indent(text: string): string {
  return text.replace(/\n/g, '\n  ');
}

/** with a as (...), b as (...) select * from <last>. */
export function withCtes(ctes: [string, string][], selectFrom = ctes[ctes.length - 1][0]): string {
  return `with\n${ctes.map(([name, body]) => `${name} as (\n  ${indent(body)}\n)`).join(',\n')}\nselect * from ${selectFrom}`;
}

/** Statements that run before the query: the input row count, which bitmap filters size by. */
export function rowsInPreamble(rows: number | null, relation: string): string {
  return `SET VARIABLE rows_in = ${rows ?? `(SELECT count(*) FROM ${relation})`}`;
}

/**
 * The statement that stores a bitmap of the rows chosen by `chosen` (a CTE with a column row_id
 * holding file_row_number values) in the variable `name`. Needs rows_in (rowsInPreamble).
 */
export function bitmapVariable(name: string, ctes: [string, string][], chosen: string): string {
  const bitmap = `select coalesce(\n    bitstring_agg(row_id, 0, greatest(getvariable('rows_in') - 1, 0)),\n    bitstring('0', greatest(getvariable('rows_in'), 1))\n  ) as bits\n  from ${chosen}`;
  return `SET VARIABLE ${name} = (\n${withCtes([...ctes, ['bitmap', bitmap]])}\n)`;
}

/**
 * The `final` CTE of an operator that picked rows by number: the input's rows whose bit in the
 * variable is set (keep) or clear (drop). A plain filter, so the input order is kept (a join with
 * the bitmap, even a one-row cross join, is not order-preserving in parallel DuckDB).
 */
export function filterByBitmap(input: string, variable: string, keep: boolean): [string, string] {
  return ['final', `select * exclude (file_row_number)\n  from ${input}\n  where get_bit(getvariable('${variable}'), file_row_number::INTEGER) = ${keep ? 1 : 0}`];
}

/** Writes a query's rows as Parquet. */
export function copyToParquet(select: string, file: string): string {
  return `COPY (\n${select}\n) TO ${q(file)} (FORMAT parquet, COMPRESSION zstd)`;
}
