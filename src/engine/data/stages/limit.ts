/** limit: the first N rows in input order. */
import type { LimitStage } from '../../../../dsl/plan.ts';
import type { SqlOperator } from './operator.ts';
import { withCtes } from './sql.ts';

export const limitOperator: SqlOperator<LimitStage> = {
  build(stage, input) {
    return {
      preamble: [],
      select: withCtes([
        [input.cte, `select * from ${input.relation}`],
        ['final', `select * exclude (file_row_number)\n  from ${input.cte}\n  where file_row_number < ${stage.params.n}`]
      ])
    };
  }
};
