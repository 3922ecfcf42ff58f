/**
 * The world the language tests check against: a few workspace datasets and files with the
 * canonical columns plus intent/style metadata, and three base models. SQL snippets are
 * answered by the real DuckDB validator (src/engine/facts.ts), not a stand-in.
 */
import { checkWithFacts, type ColumnFact, type DatasetFact, type Facts, type ModelFact, type Needs } from '../../dsl/index.ts';
import { CORE_COLUMNS, TRAILING_COLUMNS } from '../../src/engine/data/schema.ts';
import { validateSql } from '../../src/engine/facts.ts';

export function canonicalColumns(metadata: string[] = ['intent', 'style']): ColumnFact[] {
  return [...CORE_COLUMNS, ...metadata.map((name) => ({ name, type: 'VARCHAR' })), ...TRAILING_COLUMNS].map((c) => ({ name: c.name, type: c.type }));
}

const support: DatasetFact = { ok: true, columns: canonicalColumns(), version: 2, rows: 300 };

export const FIXTURE_DATASETS: Record<string, DatasetFact> = {
  support,
  'support@1': { ...support, version: 1 },
  'support@2': support,
  general_qa: { ok: true, columns: canonicalColumns([]), version: 1, rows: 5000 },
  zh_support: { ok: true, columns: canonicalColumns(), version: 1, rows: 200 }
};

export const FIXTURE_FILES: Record<string, ColumnFact[]> = {
  'datasets/support.jsonl': canonicalColumns(),
  'datasets/support_zh.json': canonicalColumns(),
  'datasets/support_tickets.csv': canonicalColumns(),
  'datasets/faq.csv': canonicalColumns(['category'])
};

export const FIXTURE_MODELS: ModelFact[] = [
  { name: 'tinystories-260k', arch: 'llama' },
  { name: 'smollm-135m', arch: 'llama' },
  { name: 'gpt2-tiny', arch: 'gpt2' }
];

/** Answers needs from the fixture (and DuckDB for SQL), as gatherFacts does from a workspace. */
export async function fixtureFetch(needs: Needs): Promise<Facts> {
  const facts: Facts = { datasets: {}, files: {}, sql: await validateSql(needs.sql) };
  for (const n of needs.datasets) {
    const hit = FIXTURE_DATASETS[n.key];
    const names = Object.keys(FIXTURE_DATASETS).filter((k) => !k.includes('@'));
    facts.datasets![n.key] = hit ?? (names.includes(n.name) ? { ok: false, versions: [1, 2] } : { ok: false, available: names });
  }
  for (const n of needs.files) {
    const cols = FIXTURE_FILES[n.path];
    facts.files![n.key] = cols ? { ok: true, columns: cols } : { ok: false, message: 'no such file (looked in the workspace folder)' };
  }
  if (needs.models) facts.models = FIXTURE_MODELS;
  return facts;
}

export function checkFixture(source: string) {
  return checkWithFacts(source, fixtureFetch);
}
