/**
 * The DAG the editor shows: the stages of the Plan compiled in the browser, coloured by the
 * server's cache lookup (cached / will run) and, during a run, by the run's events (running,
 * done, failed, …). The lookup was made for an earlier text: a stage whose definition changed
 * since, or that reads one that changed, will run whatever the lookup said.
 */
import type { DagEdge, DagNode, DagStatus } from '$lib/charts/types';
import { cacheStatus, type PlanView } from '$lib/pipeline-run';
import type { Plan, PlanStage } from '../../../../dsl/plan.ts';

/** What determines a stage's cache key, apart from its inputs' keys (spans are not part of it). */
function signature(s: PlanStage): string {
  return JSON.stringify({ kind: s.kind, params: s.params, inputs: s.inputs });
}

/** Stage ids whose definition differs from `before`'s, or that read such a stage. */
export function changedStages(plan: Plan, before: Plan | null): Set<string> {
  const old = new Map((before?.stages ?? []).map((s) => [s.id, signature(s)]));
  const changed = new Set<string>();
  for (const s of plan.stages) {
    // Plan stages are in topological order: inputs are decided first.
    if (old.get(s.id) !== signature(s) || s.inputs.some((i) => changed.has(i.stage))) changed.add(s.id);
  }
  return changed;
}

export function planGraph(plan: Plan, view: { plan: Plan; view: PlanView } | null, live: Record<string, DagStatus>): { nodes: DagNode[]; edges: DagEdge[] } {
  const info = new Map((view?.view.stages ?? []).map((s) => [s.id, s]));
  const changed = changedStages(plan, view?.plan ?? null);
  const nodes = plan.stages.map((s): DagNode => {
    const known = changed.has(s.id) ? undefined : info.get(s.id);
    const status = live[s.id] ?? (known ? cacheStatus(known) : 'pending');
    const rows = known?.rows_out !== null && known?.rows_out !== undefined ? ` · ${known.rows_out.toLocaleString('en-US')} rows` : '';
    return { id: s.id, label: s.id, status, detail: `${s.kind}${rows}` };
  });
  const ids = new Set(nodes.map((n) => n.id));
  const edges: DagEdge[] = [];
  for (const s of plan.stages) for (const i of new Set(s.inputs.map((x) => x.stage))) if (ids.has(i)) edges.push({ from: i, to: s.id });
  return { nodes, edges };
}
