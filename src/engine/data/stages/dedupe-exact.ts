/**
 * dedupe exact: rows whose `on` columns are all equal are duplicates; the first in input order
 * stays. NULLs compare equal here (GROUP BY semantics). `on` = [conversation_id] is the whole
 * conversation, since conversation_id is the content hash of messages and tools.
 */
import type { DedupeExactStage } from '../../../../dsl/plan.ts';
import type { SqlOperator } from './operator.ts';
import { bitmapVariable, filterByBitmap, ident, rowsInPreamble, withCtes } from './sql.ts';

export const dedupeExactOperator: SqlOperator<DedupeExactStage> = {
  build(stage, input) {
    const on = stage.params.on.map(ident).join(', ');
    const read: [string, string] = [input.cte, `select * from ${input.relation}`];
    return {
      preamble: [rowsInPreamble(input.rows, input.relation), bitmapVariable('keep_rows', [read, ['first_rows', `select min(file_row_number) as row_id\n  from ${input.cte}\n  group by ${on}`]], 'first_rows')],
      select: withCtes([read, filterByBitmap(input.cte, 'keep_rows', true)])
    };
  },
  async report(stage, r) {
    const on = stage.params.on.map(ident).join(', ');
    const [g] = await r.query<{ groups: number | null }>(`SELECT count(*) AS groups FROM (SELECT 1 FROM ${r.input.relation} GROUP BY ${on} HAVING count(*) > 1)`);
    return { on: stage.params.on, duplicate_groups: Number(g?.groups ?? 0), duplicates_removed: r.rowsIn - r.rowsOut };
  },
  notes: (stage) => [`duplicates: rows with equal ${stage.params.on.join(', ')}; the first in input order stays`]
};
