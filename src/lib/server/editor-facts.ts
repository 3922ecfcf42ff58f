/**
 * What the pipeline editor checks against, from the server: every dataset version's columns and
 * the base models (GET /api/facts), and answers to the needs only the server can answer, file
 * sources and SQL snippets (POST /api/facts, src/engine/facts.ts gatherFacts).
 */
import { readCatalog } from '../../engine/data/catalog.ts';
import { gatherFacts, listModels } from '../../engine/facts.ts';
import type { Workspace } from '../../engine/workspace.ts';
import type { Facts, Needs } from '../../../dsl/facts.ts';
import { ApiFailure } from './api-error.ts';
import type { EditorFacts } from '$lib/ftp/editor-facts';

export async function editorFacts(ws: Workspace): Promise<EditorFacts> {
  const cat = await readCatalog(ws);
  const out: EditorFacts = { datasets: {}, models: await listModels(ws), versions: {} };
  for (const e of Object.values(cat.datasets)) {
    out.versions[e.name] = e.versions.map((v) => v.version);
    for (const v of e.versions) out.datasets[`${e.name}@${v.version}`] = { ok: true, columns: v.columns, version: v.version, rows: v.rows };
    const latest = e.versions[e.versions.length - 1];
    if (latest) out.datasets[e.name] = { ok: true, columns: latest.columns, version: latest.version, rows: latest.rows };
  }
  return out;
}

const MAX_NEEDS = 100;

/** Checks the shape of posted needs (they come from the browser) before gathering facts. */
export function parseNeeds(body: unknown): Needs {
  const b = (body ?? {}) as Partial<Needs>;
  const arr = <T>(x: unknown, field: string): T[] => {
    if (x === undefined) return [];
    if (!Array.isArray(x) || x.length > MAX_NEEDS) throw new ApiFailure(400, 'bad_needs', `needs.${field} must be a list of at most ${MAX_NEEDS}`, { field });
    return x as T[];
  };
  const files = arr<Needs['files'][number]>(b.files, 'files');
  const sql = arr<Needs['sql'][number]>(b.sql, 'sql');
  const datasets = arr<Needs['datasets'][number]>(b.datasets, 'datasets');
  for (const f of files) if (typeof f?.key !== 'string' || typeof f.path !== 'string' || typeof f.format !== 'string') throw new ApiFailure(400, 'bad_needs', 'each file need has key, path and format', { field: 'files' });
  for (const s of sql) if (typeof s?.key !== 'string' || typeof s.probe !== 'string' || typeof s.snippetOffset !== 'number' || typeof s.snippet !== 'string') throw new ApiFailure(400, 'bad_needs', 'each sql need has key, snippet, probe and snippetOffset', { field: 'sql' });
  for (const d of datasets) if (typeof d?.key !== 'string' || typeof d.name !== 'string') throw new ApiFailure(400, 'bad_needs', 'each dataset need has key and name', { field: 'datasets' });
  return { datasets, files: files.map((f) => ({ ...f, options: f.options ?? {} })), sql, models: b.models === true };
}

export async function answerNeeds(ws: Workspace, needs: Needs): Promise<Facts> {
  return gatherFacts(ws, needs);
}
