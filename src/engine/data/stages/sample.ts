/**
 * sample: N rows, or round(share × rows), chosen by a seeded hash of each conversation:
 * md5('<seed>:' || conversation_id), ties (identical conversations) broken by input order. The same
 * seed and input always give the same rows, and the output keeps the input order.
 */
import type { SampleStage } from '../../../../dsl/plan.ts';
import type { SqlOperator } from './operator.ts';
import { bitmapVariable, filterByBitmap, q, rowsInPreamble, withCtes } from './sql.ts';

export function sampleSize(params: SampleStage['params'], rows: number | null): string {
  if (params.mode === 'count') return String(params.n);
  return rows === null ? `round(${params.fraction} * getvariable('rows_in'))::BIGINT` : String(Math.round(params.fraction * rows));
}

export const sampleOperator: SqlOperator<SampleStage> = {
  build(stage, input) {
    const p = stage.params;
    const read: [string, string] = [input.cte, `select * from ${input.relation}`];
    return {
      preamble: [
        rowsInPreamble(input.rows, input.relation),
        bitmapVariable(
          'keep_rows',
          [
            read,
            ['ranked', `select file_row_number as row_id, md5(${q(`${p.seed}:`)} || conversation_id) as sample_key\n  from ${input.cte}`],
            ['chosen', `select row_id\n  from ranked\n  order by sample_key, row_id\n  limit ${sampleSize(p, input.rows)}${p.mode === 'fraction' ? ` -- ${+(p.fraction * 100).toFixed(4)}% of the rows` : ''}`]
          ],
          'chosen'
        )
      ],
      select: withCtes([read, filterByBitmap(input.cte, 'keep_rows', true)])
    };
  },
  async report(stage, r) {
    return stage.params.mode === 'count' ? { requested: stage.params.n, seed: stage.params.seed } : { fraction: stage.params.fraction, seed: stage.params.seed };
  }
};
