/**
 * Facts for the pipeline checker (dsl/facts.ts): the engine side of check()'s "needs".
 *
 *  - workspace datasets: the catalog's recorded columns of the named version;
 *  - file sources: the canonical columns plus the metadata columns the importer would create,
 *    discovered cheaply from the file's head (JSON keys of the first records; the CSV header or
 *    Parquet schema through the importer's own column mapping). A key that appears only later
 *    in a large file is not seen: import the file into the workspace for an exact schema;
 *  - models: folders with a config.json under the workspace's models folder and under each
 *    folder listed in TUNEBENCH_MODELS (colon-separated), named by their folder name;
 *  - SQL snippets: prepared (never run) by a private DuckDB with external access and extension
 *    loading off, against an empty table of the data's columns.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ColumnFact, DatasetFact, Facts, FileNeed, ModelFact, Needs, SqlFact, SqlNeed } from '../../dsl/facts.ts';
import { sqlErrorToFact } from '../../dsl/sql-probe.ts';
import { readCatalog, resolveDataset } from './data/catalog.ts';
import { queryRows, sqlString } from './data/duckdb.ts';
import { detectFormat, readHead } from './data/formats/detect.ts';
import { resolveMapping } from './data/formats/mapping.ts';
import { defaultColumnName, type FormatName } from './data/formats/types.ts';
import { CORE_COLUMNS, TRAILING_COLUMNS } from './data/schema.ts';
import type { Workspace } from './workspace.ts';
import { listModels as listRegistryModels } from './model/registry.ts';

// ---------------------------------------------------------------- models
/** Base models, from the model registry (src/engine/model/registry.ts, the source of truth):
 * registered, then the workspace's models folder, then TUNEBENCH_MODELS; first name wins. */
export async function listModels(ws: Workspace, env: NodeJS.ProcessEnv = process.env): Promise<ModelFact[]> {
  return (await listRegistryModels(ws, env)).map((m) => ({ name: m.name, arch: m.modelType, path: m.path }));
}

// ---------------------------------------------------------------- datasets
function canonical(metadata: string[]): ColumnFact[] {
  return [...CORE_COLUMNS.map((c) => ({ name: c.name, type: c.type })), ...metadata.map((name) => ({ name, type: 'VARCHAR' })), ...TRAILING_COLUMNS.map((c) => ({ name: c.name, type: c.type }))];
}

async function workspaceDataset(ws: Workspace, need: Needs['datasets'][number]): Promise<DatasetFact> {
  const cat = await readCatalog(ws);
  const entry = cat.datasets[need.name];
  if (!entry) return { ok: false, available: Object.keys(cat.datasets).sort() };
  const r = resolveDataset(cat, need.key);
  if ('error' in r) return { ok: false, versions: entry.versions.map((v) => v.version), message: r.error };
  return { ok: true, columns: r.version.columns, version: r.version.version, rows: r.version.rows };
}

const FORMAT_KEYS: Record<string, string[]> = {
  openai: ['messages', 'tools', 'parallel_tool_calls', 'functions'],
  'prompt-completion': ['prompt', 'completion'],
  'context-response': ['context', 'response']
};

/** Metadata keys of the first records of a JSON Lines / JSON array file. */
function jsonMetadata(head: string, recordFormat: string): string[] {
  const skip = new Set(FORMAT_KEYS[recordFormat] ?? []);
  const out: string[] = [];
  for (const raw of head.split(/\r\n|\n|\r/).slice(0, 500)) {
    const t = raw.trim().replace(/^\[/, '').replace(/[,\]]+$/, '');
    if (!t.startsWith('{')) continue;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      continue;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    for (const k of Object.keys(v)) {
      const col = defaultColumnName(k);
      if (!skip.has(k) && !out.includes(col)) out.push(col);
    }
  }
  return out;
}

function csvHeader(head: string, ext: string): string[] {
  const line = head.replace(/^\ufeff/, '').split(/\r\n|\n|\r/)[0] ?? '';
  const delims = ext === '.tsv' ? ['\t'] : [',', ';', '\t'];
  const delim = delims.reduce((best, d) => (line.split(d).length > line.split(best).length ? d : best), delims[0]);
  return line.split(delim).map((c) => c.trim().replace(/^"(.*)"$/, '$1').replace(/""/g, '"'));
}

function tabularMetadata(columns: string[], mapping: Record<string, string> | null): string[] {
  const resolved = resolveMapping(columns, mapping ?? undefined);
  const conversation = new Set(['system', 'user', 'assistant', 'messages']);
  const explicit = Object.keys(resolved.mapping).filter((t) => !conversation.has(t));
  return [...explicit, ...resolved.passthroughColumns].map(defaultColumnName);
}

async function fileDataset(ws: Workspace, need: FileNeed): Promise<DatasetFact> {
  const abs = path.resolve(ws.root, need.path);
  try {
    const st = await fsp.stat(abs);
    if (!st.isFile()) return { ok: false, message: 'not a file' };
  } catch {
    return { ok: false, message: `no such file (looked in ${ws.root})` };
  }
  const override = need.format === 'auto' ? undefined : (need.format as FormatName);
  const mapping = (need.options.mapping as Record<string, string> | null | undefined) ?? null;
  try {
    const det = await detectFormat(abs, override);
    if (det.problem) return { ok: false, message: det.problem.message };
    if (det.container === 'csv') return { ok: true, columns: canonical(tabularMetadata(csvHeader((await readHead(abs, 64 * 1024)).toString('utf8'), path.extname(abs).toLowerCase()), mapping)) };
    if (det.container === 'parquet') {
      const rows = await queryRows<{ column_name: string }>(`DESCRIBE SELECT * FROM read_parquet(${sqlString(abs)})`);
      return { ok: true, columns: canonical(tabularMetadata(rows.map((r) => r.column_name), mapping)) };
    }
    return { ok: true, columns: canonical(jsonMetadata((await readHead(abs, 64 * 1024)).toString('utf8'), det.recordFormat)) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

// ---------------------------------------------------------------- SQL
let validator: Promise<DuckDBInstance> | undefined;

function sqlValidator(): Promise<DuckDBInstance> {
  validator ??= DuckDBInstance.create(':memory:', {
    enable_external_access: 'false',
    autoload_known_extensions: 'false',
    autoinstall_known_extensions: 'false',
    threads: '1'
  });
  return validator;
}

export async function validateSql(needs: SqlNeed[]): Promise<Record<string, SqlFact>> {
  const out: Record<string, SqlFact> = {};
  if (!needs.length) return out;
  const conn = await (await sqlValidator()).connect();
  try {
    for (const n of needs) {
      try {
        await conn.prepare(n.probe);
        out[n.key] = { ok: true };
      } catch (e) {
        out[n.key] = sqlErrorToFact((e as Error).message, n.probe, n.snippetOffset, n.snippet.length);
      }
    }
  } finally {
    conn.closeSync();
  }
  return out;
}

/** Answers a checker's needs from the workspace. */
export async function gatherFacts(ws: Workspace, needs: Needs, env: NodeJS.ProcessEnv = process.env): Promise<Facts> {
  const facts: Facts = { datasets: {}, files: {}, sql: {} };
  for (const n of needs.datasets) facts.datasets![n.key] = await workspaceDataset(ws, n);
  for (const n of needs.files) facts.files![n.key] = await fileDataset(ws, n);
  if (needs.models) facts.models = await listModels(ws, env);
  facts.sql = await validateSql(needs.sql);
  return facts;
}
