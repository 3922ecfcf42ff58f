/** map roles: relabels message roles, all mappings at once (so a -> b, b -> a swaps). */
import type { MapRolesStage } from '../../../../dsl/plan.ts';
import { replaceMessages } from './derived.ts';
import type { SqlOperator } from './operator.ts';
import { q, withCtes } from './sql.ts';

export const mapRolesOperator: SqlOperator<MapRolesStage> = {
  build(stage, input) {
    const cases = stage.params.mapping.map((m) => `WHEN ${q(m.from)} THEN ${q(m.to)}`).join(' ');
    const messages = `list_transform(messages, m -> struct_update(m, role := CASE m.role ${cases} ELSE m.role END))`;
    return {
      preamble: [],
      select: withCtes([[input.cte, `select * from ${input.relation}`], ...replaceMessages(input.cte, messages), ['final', 'select * exclude (file_row_number) from recomputed']])
    };
  },
  async report(stage, r) {
    const roles = stage.params.mapping.map((m) => q(m.from)).join(', ');
    const [c] = await r.query<{ messages: number; rows: number }>(
      `SELECT count(*) AS messages, count(DISTINCT file_row_number) AS rows FROM (SELECT file_row_number, unnest(messages) AS m FROM ${r.input.relation}) WHERE m.role IN (${roles})`
    );
    return { mapping: stage.params.mapping, messages_relabelled: Number(c?.messages ?? 0), rows_changed: Number(c?.rows ?? 0) };
  }
};
