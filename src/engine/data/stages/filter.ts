/** filter: keeps the rows for which the Plan's DuckDB condition is true (NULL counts as false). */
import type { FilterStage } from '../../../../dsl/plan.ts';
import type { SqlOperator } from './operator.ts';
import { withCtes } from './sql.ts';

export const filterOperator: SqlOperator<FilterStage> = {
  build(stage, input) {
    return {
      preamble: [],
      select: withCtes([
        [input.cte, `select * from ${input.relation}`],
        ['final', `select * exclude (file_row_number)\n  from ${input.cte}\n  where ${stage.params.sql_escape ? `(${stage.params.where})` : stage.params.where}`]
      ])
    };
  }
};
