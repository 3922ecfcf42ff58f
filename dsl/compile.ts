/**
 * compile(): typed program → Plan. Pure assembly: stage ids, inputs, outputs and the SQL of
 * filters and templates. Everything that can be wrong was reported by check().
 */
import * as P from './plan.ts';
import { exprToSql, templateToSql } from './sql.ts';
import type { CheckedOp, CheckedProgram } from './typed.ts';

function opStage(op: CheckedOp, id: string, name: string, input: P.OutputRef): P.DataOpStage {
  const inputs: P.StageInput[] = [{ ...input, role: 'data' }];
  const span = op.span;
  switch (op.kind) {
    case 'filter':
      return { id, kind: 'filter', name, inputs, params: { where: exprToSql(op.expr, op.typing.types), sql_escape: false, columns: op.typing.columns }, span };
    case 'filter_sql':
      return { id, kind: 'filter', name, inputs, params: { where: op.sql, sql_escape: true, columns: [] }, span };
    case 'system_prompt':
      return { id, kind: 'system_prompt', name, inputs, params: { ...op.params, sql: templateToSql(op.params.template, op.columnTypes) }, span };
    case 'dedupe_exact':
      return { id, kind: op.kind, name, inputs, params: op.params, span };
    case 'dedupe_near':
      return { id, kind: op.kind, name, inputs, params: op.params, span };
    case 'redact':
      return { id, kind: op.kind, name, inputs, params: op.params, span };
    case 'sample':
      return { id, kind: op.kind, name, inputs, params: op.params, span };
    case 'limit':
      return { id, kind: op.kind, name, inputs, params: op.params, span };
    case 'map_roles':
      return { id, kind: op.kind, name, inputs, params: op.params, span };
    case 'balance':
      return { id, kind: op.kind, name, inputs, params: op.params, span };
  }
}

export function compileProgram(program: CheckedProgram): P.Plan {
  const stages: P.PlanStage[] = [];
  const outputs: Record<string, P.OutputRef> = {};
  const ref = (name: string): P.OutputRef => {
    const r = outputs[name];
    if (!r) throw new Error(`compile: '${name}' is used before it is defined (check() should have ordered it)`);
    return r;
  };
  for (const node of program.nodes) {
    switch (node.kind) {
      case 'source':
        stages.push({ id: node.name, kind: 'source', name: node.name, inputs: [], params: node.params, span: node.span });
        outputs[node.name] = { stage: node.name, part: null };
        break;
      case 'stage': {
        let n = 0;
        let current: P.OutputRef;
        if (node.inputs.length > 1) {
          const id = `${node.name}.${++n}`;
          stages.push({ id, kind: 'concat', name: node.name, inputs: node.inputs.map((i) => ({ ...ref(i), role: 'data' as const })), params: {}, span: node.span });
          current = { stage: id, part: null };
        } else current = ref(node.inputs[0]);
        for (const op of node.ops) {
          const id = `${node.name}.${++n}`;
          stages.push(opStage(op, id, node.name, current));
          current = { stage: id, part: null };
        }
        outputs[node.name] = current;
        break;
      }
      case 'split':
        stages.push({ id: node.id, kind: 'split', name: node.id, inputs: [{ ...ref(node.input), role: 'data' }], params: node.params, span: node.span });
        for (const p of node.params.parts) outputs[p.name] = { stage: node.id, part: p.name };
        break;
      case 'train': {
        const inputs: P.StageInput[] = [{ ...ref(node.data), role: 'train' }];
        if (node.validation) inputs.push({ ...ref(node.validation), role: 'validation' });
        if (node.params.base.kind === 'train') inputs.push({ ...ref(node.params.base.stage), role: 'base' });
        stages.push({ id: node.name, kind: 'train', name: node.name, inputs, params: node.params, span: node.span });
        outputs[node.name] = { stage: node.name, part: null };
        break;
      }
      case 'eval': {
        const inputs: P.StageInput[] = [{ ...ref(node.data), role: 'data' }];
        for (const m of node.params.models) {
          if (m.model.kind === 'train' && !inputs.some((i) => i.role === 'model' && i.stage === (m.model as { stage: string }).stage)) inputs.push({ ...ref(m.model.stage), role: 'model' });
        }
        stages.push({ id: node.name, kind: 'eval', name: node.name, inputs, params: node.params, span: node.span });
        outputs[node.name] = { stage: node.name, part: null };
        break;
      }
    }
  }
  return { format: P.PLAN_FORMAT, version: P.PLAN_VERSION, pipeline: program.pipeline, description: program.description, stages, outputs };
}
