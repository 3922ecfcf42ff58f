/**
 * system_prompt: renders the Plan's template SQL per row and
 *   set      replaces every system message with one, first;
 *   default  adds one, first, only where there is none;
 *   prepend  puts the text before the first system message's content (adds one where there is none).
 * Derived columns are recomputed (derived.ts).
 */
import type { SystemPromptStage } from '../../../../dsl/plan.ts';
import { messageLiteral, replaceMessages } from './derived.ts';
import type { SqlOperator } from './operator.ts';
import { withCtes } from './sql.ts';

function newMessages(stage: SystemPromptStage): string {
  const text = stage.params.sql;
  const prompt = messageLiteral('system', text);
  const hasSystem = `list_bool_or(list_transform(messages, m -> m.role = 'system'))`;
  switch (stage.params.mode) {
    case 'set':
      return `list_prepend(${prompt}, list_filter(messages, m -> m.role <> 'system'))`;
    case 'default':
      return `CASE WHEN coalesce(${hasSystem}, false) THEN messages ELSE list_prepend(${prompt}, messages) END`;
    case 'prepend':
      return (
        `CASE WHEN coalesce(${hasSystem}, false)\n` +
        `  THEN list_transform(messages, (m, i) -> CASE WHEN i = list_position(list_transform(messages, x -> x.role), 'system') THEN struct_update(m, content := (${text}) || coalesce(m.content, '')) ELSE m END)\n` +
        `  ELSE list_prepend(${prompt}, messages) END`
      );
  }
}

export const systemPromptOperator: SqlOperator<SystemPromptStage> = {
  build(stage, input) {
    return {
      preamble: [],
      select: withCtes([[input.cte, `select * from ${input.relation}`], ...replaceMessages(input.cte, newMessages(stage)), ['final', 'select * exclude (file_row_number) from recomputed']])
    };
  },
  async report(stage, r) {
    const [c] = await r.query<{ changed: number }>(`SELECT count(*) AS changed FROM (SELECT conversation_id FROM ${r.input.relation}) i POSITIONAL JOIN (SELECT conversation_id AS new_id FROM ${r.output}) o WHERE i.conversation_id IS DISTINCT FROM o.new_id`);
    return { mode: stage.params.mode, template: stage.params.template, rows_changed: Number(c?.changed ?? 0) };
  }
};
