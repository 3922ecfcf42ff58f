/**
 * balance: at most `cap` rows per value of a column (NULL is a class of its own), chosen by the
 * same seeded conversation hash as sample; the output keeps the input order.
 */
import type { BalanceStage } from '../../../../dsl/plan.ts';
import type { SqlOperator } from './operator.ts';
import { bitmapVariable, filterByBitmap, ident, q, rowsInPreamble, withCtes } from './sql.ts';

export const balanceOperator: SqlOperator<BalanceStage> = {
  build(stage, input) {
    const p = stage.params;
    const read: [string, string] = [input.cte, `select * from ${input.relation}`];
    const ranked: [string, string] = [
      'ranked',
      `select file_row_number as row_id,\n    row_number() over (partition by ${ident(p.by)} order by md5(${q(`${p.seed}:`)} || conversation_id), file_row_number) as rank_in_class\n  from ${input.cte}`
    ];
    return {
      preamble: [rowsInPreamble(input.rows, input.relation), bitmapVariable('keep_rows', [read, ranked, ['chosen', `select row_id from ranked where rank_in_class <= ${p.cap}`]], 'chosen')],
      select: withCtes([read, filterByBitmap(input.cte, 'keep_rows', true)])
    };
  },
  async report(stage, r) {
    const col = ident(stage.params.by);
    const rows = await r.query<{ value: string | null; rows: number; kept: number }>(
      `SELECT CAST(${col} AS VARCHAR) AS value, count(*) AS rows, least(count(*), ${stage.params.cap}) AS kept FROM ${r.input.relation} GROUP BY 1 ORDER BY rows DESC, value LIMIT 200`
    );
    return { by: stage.params.by, cap: stage.params.cap, classes: rows.map((x) => ({ value: x.value, rows: Number(x.rows), kept: Number(x.kept) })) };
  }
};
