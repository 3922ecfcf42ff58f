import type { PageServerLoad } from './$types';
import { serverWorkspace } from '$lib/server/workspace';
import { editorFacts } from '$lib/server/editor-facts';
import { listPipelines } from '$lib/server/pipelines';
import { RESERVED_COLUMNS } from '../../../engine/data/schema.ts';
import { METRICS } from '../../../../dsl/metrics.ts';

export const load: PageServerLoad = async () => {
  const ws = await serverWorkspace();
  const facts = await editorFacts(ws);
  const datasets = Object.keys(facts.versions)
    .sort()
    .map((name) => {
      const f = facts.datasets[name];
      return { name, rows: f.rows ?? 0, metadata: f.columns.map((c) => c.name).filter((c) => !RESERVED_COLUMNS.has(c)) };
    });
  return {
    facts,
    datasets,
    models: facts.models.map((m) => ({ name: m.name, arch: m.arch })),
    metrics: Object.entries(METRICS).map(([name, m]) => ({ name, doc: m.doc, range: m.range })),
    existing: (await listPipelines(ws)).map((p) => p.name)
  };
};
