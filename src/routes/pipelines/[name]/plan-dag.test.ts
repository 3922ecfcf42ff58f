import { describe, expect, it } from 'vitest';
import { check, compile, parse, type Facts } from '../../../../dsl/index.ts';
import { CORE_COLUMNS, TRAILING_COLUMNS } from '../../../engine/data/schema.ts';
import { changedStages, planGraph } from './plan-dag.ts';

const facts: Facts = { datasets: { support: { ok: true, columns: [...CORE_COLUMNS, ...TRAILING_COLUMNS].map((c) => ({ name: c.name, type: c.type })) } } };
const planOf = (text: string) => compile(check(parse(text), facts));
const base = `pipeline p
dataset data from workspace support
stage clean from data {
  filter turns >= 2
  limit 100
}
split clean into a 50%, b 50%
`;

describe('the editor DAG', () => {
  it('a changed operator and everything after it will run; whitespace changes nothing', () => {
    const before = planOf(base);
    expect([...changedStages(planOf(base.replace('pipeline p', '\n\npipeline p  ')), before)]).toEqual([]);
    expect([...changedStages(planOf(base.replace('limit 100', 'limit 50')), before)]).toEqual(['clean.2', 'a+b']);
    expect([...changedStages(planOf(base), null)]).toEqual(['data', 'clean.1', 'clean.2', 'a+b']);
  });

  it('colours stages by the cache lookup, the run overriding it; edges follow the inputs', () => {
    const plan = planOf(base);
    const view = { plan, view: { pipeline: 'p', stages: plan.stages.map((s, k) => ({ id: s.id, kind: s.kind, name: s.name, inputs: [], cache: k < 2 ? ('cached' as const) : ('missing' as const), note: null, rows_out: null })) } };
    const g = planGraph(planOf(base.replace('limit 100', 'limit 50')), view, { 'a+b': 'running' });
    expect(g.nodes.map((n) => [n.id, n.status])).toEqual([
      ['data', 'cached'],
      ['clean.1', 'cached'],
      ['clean.2', 'pending'],
      ['a+b', 'running']
    ]);
    expect(g.edges).toEqual([
      { from: 'data', to: 'clean.1' },
      { from: 'clean.1', to: 'clean.2' },
      { from: 'clean.2', to: 'a+b' }
    ]);
  });
});
