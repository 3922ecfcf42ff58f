/**
 * "Save result as dataset": runs a user SELECT through the sandbox (never the engine's trusted
 * connection), checks that the result is still a trainable canonical table, and stores it as a
 * new version with lineage kind 'sql'.
 *
 * The user query is materialised into a temporary table inside the sandbox; trusted code then
 * writes it to a staging Parquet file that is on the sandbox's allowed_paths list. User SQL cannot
 * reach that file, because user statements are SELECT-only (no COPY). conversation_id and the
 * derived columns are recomputed from `messages`, since the query may have changed them.
 */
import { createHash, randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { latestVersion, readCatalog, validateDatasetName, type DatasetVersion } from './catalog.ts';
import { conversationIdSql, derivedColumnsSql } from './canonical.ts';
import { sqlIdent, sqlString } from './duckdb.ts';
import { Sandbox, SandboxError, type SandboxOptions } from './sandbox.ts';
import { MESSAGE_STRUCT, RESERVED_COLUMNS } from './schema.ts';
import { addVersion } from './versions.ts';
import type { Workspace } from '../workspace.ts';
import { ENGINE_VERSION } from '../version.ts';

/** Columns a saved result must carry; the derived ones are recomputed. */
export const REQUIRED_COLUMNS = ['conversation_id', 'messages', 'tools', 'source_file', 'source_line'] as const;

export interface SaveResult {
  name: string;
  status: 'created' | 'versioned' | 'unchanged';
  version: DatasetVersion;
  rows: number;
  message: string;
}

export async function saveQueryAsDataset(ws: Workspace, sql: string, name: string, opts: SandboxOptions & { timeoutMs?: number } = {}): Promise<SaveResult> {
  const bad = validateDatasetName(name);
  if (bad) throw new SandboxError(bad, 'sql_error');
  const query = sql.trim().replace(/;\s*$/, '');
  const cat = await readCatalog(ws);
  await fsp.mkdir(ws.tmpDir, { recursive: true });
  const staging = path.join(ws.tmpDir, `save-${process.pid}-${randomBytes(4).toString('hex')}.parquet`);
  const sandbox = await Sandbox.fromCatalog(ws, cat, { ...opts, stagingFiles: [...(opts.stagingFiles ?? []), staging] });
  try {
    // Inputs: the datasets (or versions) the query names, with their content keys.
    const inputs = (await sandbox.tableNames(query))
      .map((t) => sandbox.views.find((v) => v.name.toLowerCase() === t.toLowerCase()))
      .filter((v): v is NonNullable<typeof v> => v !== undefined && v.dataset !== undefined)
      .map((v) => ({ name: v.dataset!, version: v.version! }));
    const inputKeys = inputs.map((i) => cat.datasets[i.name].versions.find((v) => v.version === i.version)?.key ?? '');
    const key = createHash('sha256').update(JSON.stringify({ sql: query, inputs: inputKeys, engine: ENGINE_VERSION })).digest('hex');
    const entry = cat.datasets[name];
    if (entry && latestVersion(entry).key === key) {
      const v = latestVersion(entry);
      return { name, status: 'unchanged', version: v, rows: v.rows, message: `${name} is unchanged (v${v.version}): same query over the same inputs` };
    }

    await sandbox.materialise(query, '__tunebench_save', opts.timeoutMs);
    const cols = await sandbox.trusted<{ column_name: string; column_type: string }>(`DESCRIBE __tunebench_save`);
    const names = cols.map((c) => c.column_name);
    const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
    if (missing.length) {
      throw new SandboxError(
        `the result lacks the canonical column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}: a dataset must stay trainable. Select them too, e.g. SELECT * FROM <dataset> WHERE ... (derived columns such as user_text and turns are recomputed)`,
        'sql_error'
      );
    }
    const dups = names.filter((n, i) => names.indexOf(n) !== i);
    if (dups.length) throw new SandboxError(`the result has duplicate column names (${[...new Set(dups)].join(', ')}); give them distinct aliases`, 'sql_error');
    const [{ n }] = await sandbox.trusted<{ n: number }>(`SELECT count(*) AS n FROM __tunebench_save`);
    if (n === 0) throw new SandboxError('the query returned no rows; nothing to save', 'sql_error');

    const metadata = names.filter((c) => !RESERVED_COLUMNS.has(c));
    const select = [
      `${conversationIdSql('messages', 'tools')} AS conversation_id`,
      'messages',
      'tools',
      ...metadata.map(sqlIdent),
      'source_file',
      'source_line',
      ...derivedColumnsSql('messages')
    ].join(', ');
    const typed = `SELECT CAST(messages AS ${MESSAGE_STRUCT}[]) AS messages, CAST(tools AS VARCHAR) AS tools, ${metadata.map(sqlIdent).map((c) => `${c}, `).join('')}CAST(source_file AS VARCHAR) AS source_file, CAST(source_line AS INTEGER) AS source_line FROM __tunebench_save`;
    try {
      await sandbox.trusted(`COPY (SELECT ${select} FROM (${typed})) TO ${sqlString(staging)} (FORMAT parquet, COMPRESSION zstd)`);
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0];
      throw new SandboxError(/messages/i.test(msg) ? `the messages column does not have the canonical type (a list of {role, content, weight, name, tool_calls, tool_call_id, function_call}): ${msg}` : msg, 'sql_error');
    }
    const described = await sandbox.trusted<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM read_parquet(${sqlString(staging)})`);
    const target = path.join(ws.dataDir, `${key}.parquet`);
    await fsp.mkdir(ws.dataDir, { recursive: true });
    await fsp.rename(staging, target);
    const bytes = (await fsp.stat(target)).size;
    const { version, status } = await addVersion(ws, name, {
      key,
      file: path.relative(ws.dir, target).split(path.sep).join('/'),
      rows: n,
      bytes,
      columns: described.map((c) => ({ name: c.column_name, type: c.column_type })),
      lineage: { kind: 'sql', query, inputs }
    });
    return { name, status, version, rows: n, message: `${name} v${version.version}: ${n} rows saved from the query` };
  } finally {
    sandbox.close();
    await fsp.rm(staging, { force: true });
  }
}
