/**
 * Facts for checking pipelines in the browser. The page fetches the workspace's dataset schemas
 * (every version) and the base models once (GET /api/facts) and again after each save; from
 * those, dataset and model needs are answered locally, exactly as the server's gatherFacts would
 * (src/engine/facts.ts). File sources and `sql "…"` snippets need the server (POST /api/facts):
 * they are fetched once per key and kept.
 */
import type { DatasetFact, Facts, ModelFact, Needs } from '../../../dsl/facts.ts';

export interface EditorFacts {
  /** By `name` (latest version) and `name@N`. */
  datasets: Record<string, DatasetFact & { ok: true }>;
  models: ModelFact[];
  /** Every dataset's versions, for "no version N" answers. */
  versions: Record<string, number[]>;
}

export const NO_FACTS: EditorFacts = { datasets: {}, models: [], versions: {} };

/** Answers what the prefetched facts can; returns the rest as still needed. */
export function answerLocally(needs: Needs, base: EditorFacts, remote: Facts): { facts: Facts; missing: Needs } {
  const facts: Facts = { datasets: {}, files: {}, sql: {}, models: base.models };
  const names = Object.keys(base.versions).sort();
  for (const n of needs.datasets) {
    const known = base.datasets[n.key];
    if (known) facts.datasets![n.key] = known;
    else if (!base.versions[n.name]) facts.datasets![n.key] = { ok: false, available: names };
    else {
      const vs = base.versions[n.name];
      facts.datasets![n.key] = { ok: false, versions: vs, message: `dataset '${n.name}' has no version ${n.version} (versions: ${vs.join(', ')})` };
    }
  }
  const missing: Needs = { datasets: [], files: [], models: false, sql: [] };
  for (const f of needs.files) {
    const r = remote.files?.[f.key];
    if (r) facts.files![f.key] = r;
    else missing.files.push(f);
  }
  for (const s of needs.sql) {
    const r = remote.sql?.[s.key];
    if (r) facts.sql![s.key] = r;
    else missing.sql.push(s);
  }
  return { facts, missing };
}

export function hasMissing(n: Needs): boolean {
  return n.files.length > 0 || n.sql.length > 0;
}
