/**
 * User SQL, sandboxed. A separate DuckDB instance per sandbox sees the workspace's datasets as
 * views and nothing else:
 *
 *   <name>            the latest version of each dataset
 *   <name>_v<N>       every version (unless a dataset of that name exists)
 *   messages          one row per message of every dataset's latest version
 *   + extra views     read-only views callers register over their own files (run metrics, ...)
 *
 * Defence in depth: (1) only single SELECT-like statements run (SELECT, FROM, WITH, VALUES,
 * DESCRIBE, SHOW, SUMMARIZE, EXPLAIN of those), checked by keyword and by DuckDB's own statement
 * type; (2) allowed_paths lists exactly the files behind the views (not their folders, which would
 * also permit COPY TO / ATTACH there); (3) enable_external_access=false, extension auto-loading
 * off, and lock_configuration=true so user SQL cannot SET any of it back.
 */
import { DuckDBInstance, StatementType, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { readCatalog, type Catalog } from './catalog.ts';
import { sqlIdent, sqlString } from './duckdb.ts';
import type { Workspace } from '../workspace.ts';
import path from 'node:path';

/** A read-only view over files a caller owns (e.g. `runs` over .tunebench/runs/* /metrics.jsonl). */
export interface ExtraView {
  /** SQL identifier of the view. */
  name: string;
  /** Absolute paths of the files (exact files: they are the only other files SQL may read). */
  files: string[];
  reader: 'parquet' | 'json' | 'csv';
  /** Extra named arguments for the reader, as SQL (e.g. `format = 'newline_delimited'`). */
  readerOptions?: string;
  /** When there are no files yet: the columns of the (empty) view. */
  emptyColumns?: { name: string; type: string }[];
  /** Trusted SQL that shapes the view from the reader's table expression (default SELECT * FROM it). */
  query?: (relation: string) => string;
}

export interface SandboxOptions {
  extraViews?: ExtraView[];
  /** Extra files the trusted side may write with writeStaging() (never reachable from user SQL). */
  stagingFiles?: string[];
  /** DuckDB memory limit of the sandbox instance (default 1GB). */
  memoryLimit?: string;
  threads?: number;
}

export interface QueryOptions {
  /** Rows returned at most (default 1000); `truncated` says when there were more. */
  maxRows?: number;
  /** Interrupt the query after this long (default 60 s). */
  timeoutMs?: number;
}

export interface QueryResult {
  columns: string[];
  types: string[];
  rows: unknown[][];
  truncated: boolean;
  elapsedMs: number;
}

/** A rejected or failed user query; `message` is for people. */
export class SandboxError extends Error {
  constructor(
    message: string,
    readonly code: 'statement_not_allowed' | 'access_denied' | 'sql_error' | 'timeout' | 'not_one_statement'
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

const SELECT_LIKE = /^(select|from|with|values|describe|desc|show|summarize|explain|pragma\s+show|table|\()/i;
const KEYWORD_NAMES: Record<string, string> = {
  copy: 'COPY',
  export: 'EXPORT DATABASE',
  import: 'IMPORT DATABASE',
  attach: 'ATTACH',
  detach: 'DETACH',
  install: 'INSTALL',
  load: 'LOAD',
  force: 'FORCE INSTALL',
  update: 'UPDATE',
  set: 'SET',
  reset: 'RESET',
  pragma: 'PRAGMA',
  create: 'CREATE',
  drop: 'DROP',
  insert: 'INSERT',
  delete: 'DELETE',
  alter: 'ALTER',
  call: 'CALL',
  checkpoint: 'CHECKPOINT',
  vacuum: 'VACUUM',
  use: 'USE',
  begin: 'transactions',
  commit: 'transactions',
  rollback: 'transactions',
  prepare: 'PREPARE',
  execute: 'EXECUTE',
  analyze: 'ANALYZE',
  merge: 'MERGE',
  truncate: 'TRUNCATE'
};

/** The statement text without leading comments and whitespace. */
function stripLeadingComments(sql: string): string {
  let s = sql;
  for (;;) {
    const t = s.replace(/^\s+/, '');
    if (t.startsWith('--')) s = t.replace(/^--[^\n]*\n?/, '');
    else if (t.startsWith('/*')) {
      const end = t.indexOf('*/');
      s = end < 0 ? '' : t.slice(end + 2);
    } else return t;
  }
}

const ALLOWED = 'tunebench sql runs read-only queries: SELECT (or FROM/WITH/VALUES), DESCRIBE, SHOW, SUMMARIZE and EXPLAIN';

function notAllowed(kind: string): SandboxError {
  return new SandboxError(`${kind} statements are not allowed. ${ALLOWED}.`, 'statement_not_allowed');
}

function explainWord(error: unknown): SandboxError {
  const msg = (error as Error)?.message ?? String(error);
  if (/Permission Error|file system operations are disabled|external access|Cannot access (file|directory)|extensions is disabled/i.test(msg)) {
    return new SandboxError(`access denied: user SQL sees only the workspace's datasets (and the messages view), not other files, the network or extensions. DuckDB said: ${msg.split('\n')[0]}`, 'access_denied');
  }
  if (/configuration has been locked/i.test(msg)) return new SandboxError(`engine settings cannot be changed from user SQL. DuckDB said: ${msg.split('\n')[0]}`, 'statement_not_allowed');
  if (/INTERRUPT/i.test(msg)) return new SandboxError('the query was interrupted (time limit)', 'timeout');
  return new SandboxError(msg, 'sql_error');
}

export class Sandbox {
  private constructor(
    private db: DuckDBInstance,
    private conn: DuckDBConnection,
    /** View names with what they show, for `tables()` and error hints. */
    readonly views: { name: string; kind: 'dataset' | 'version' | 'messages' | 'extra'; dataset?: string; version?: number }[]
  ) {}

  /** Opens a sandbox over the workspace's catalog (read now; reopen to see later imports). */
  static async open(ws: Workspace, opts: SandboxOptions = {}): Promise<Sandbox> {
    const cat = await readCatalog(ws);
    return Sandbox.fromCatalog(ws, cat, opts);
  }

  static async fromCatalog(ws: Workspace, cat: Catalog, opts: SandboxOptions = {}): Promise<Sandbox> {
    const db = await DuckDBInstance.create(':memory:', { threads: String(opts.threads ?? 2), memory_limit: opts.memoryLimit ?? '1GB' });
    const conn = await db.connect();
    const views: Sandbox['views'] = [];
    const files: string[] = [];
    try {
      const names = Object.keys(cat.datasets).sort();
      const taken = new Set(names.map((n) => n.toLowerCase()));
      const messageParts: string[] = [];
      for (const name of names) {
        const entry = cat.datasets[name];
        for (const v of entry.versions) {
          const file = path.join(ws.dir, v.file);
          if (!files.includes(file)) files.push(file);
          const vname = `${name}_v${v.version}`;
          if (!taken.has(vname.toLowerCase())) {
            await conn.run(`CREATE VIEW ${sqlIdent(vname)} AS SELECT * FROM read_parquet(${sqlString(file)})`);
            views.push({ name: vname, kind: 'version', dataset: name, version: v.version });
          }
        }
        const latest = entry.versions[entry.versions.length - 1];
        const file = path.join(ws.dir, latest.file);
        await conn.run(`CREATE VIEW ${sqlIdent(name)} AS SELECT * FROM read_parquet(${sqlString(file)})`);
        views.push({ name, kind: 'dataset', dataset: name, version: latest.version });
        messageParts.push(
          `SELECT ${sqlString(name)} AS dataset, conversation_id, source_line, CAST(i - 1 AS INTEGER) AS message_index, m.role AS role, m.content AS content, m.weight AS weight, ` +
            `CAST(coalesce(m.weight, CASE WHEN m.role = 'assistant' THEN 1 ELSE 0 END) AS TINYINT) AS effective_weight, m.name AS name, m.tool_calls AS tool_calls, m.tool_call_id AS tool_call_id, m.function_call AS function_call ` +
            `FROM (SELECT conversation_id, source_line, unnest(messages) AS m, generate_subscripts(messages, 1) AS i FROM read_parquet(${sqlString(file)}))`
        );
      }
      const emptyMessages =
        'SELECT NULL::VARCHAR AS dataset, NULL::VARCHAR AS conversation_id, NULL::INTEGER AS source_line, NULL::INTEGER AS message_index, NULL::VARCHAR AS role, NULL::VARCHAR AS content, NULL::TINYINT AS weight, NULL::TINYINT AS effective_weight, NULL::VARCHAR AS name, NULL::VARCHAR AS tool_calls, NULL::VARCHAR AS tool_call_id, NULL::VARCHAR AS function_call WHERE false';
      if (!taken.has('messages')) {
        await conn.run(`CREATE VIEW messages AS ${messageParts.length ? messageParts.join('\nUNION ALL\n') : emptyMessages}`);
        views.push({ name: 'messages', kind: 'messages' });
      }
      for (const x of opts.extraViews ?? []) {
        if (taken.has(x.name.toLowerCase()) || x.name.toLowerCase() === 'messages') throw new Error(`sandbox view '${x.name}' clashes with a dataset or built-in view`);
        taken.add(x.name.toLowerCase());
        files.push(...x.files);
        const reader = x.reader === 'parquet' ? 'read_parquet' : x.reader === 'csv' ? 'read_csv' : 'read_json';
        const body = x.files.length
          ? (x.query ?? ((r: string) => `SELECT * FROM ${r}`))(`${reader}([${x.files.map(sqlString).join(', ')}]${x.readerOptions ? `, ${x.readerOptions}` : ''})`)
          : `SELECT ${(x.emptyColumns ?? [{ name: 'empty', type: 'VARCHAR' }]).map((c) => `CAST(NULL AS ${c.type}) AS ${sqlIdent(c.name)}`).join(', ')} WHERE false`;
        await conn.run(`CREATE VIEW ${sqlIdent(x.name)} AS ${body}`);
        views.push({ name: x.name, kind: 'extra' });
      }
      files.push(...(opts.stagingFiles ?? []));
      await conn.run(`SET allowed_paths = [${files.map(sqlString).join(', ')}]`);
      await conn.run('SET enable_external_access = false');
      await conn.run('SET autoinstall_known_extensions = false');
      await conn.run('SET autoload_known_extensions = false');
      await conn.run('SET lock_configuration = true');
    } catch (e) {
      conn.closeSync();
      db.closeSync();
      throw e;
    }
    return new Sandbox(db, conn, views);
  }

  /** Checks that `sql` is one SELECT-like statement; returns it prepared. */
  private async prepareUserStatement(sql: string): Promise<DuckDBPreparedStatement> {
    const text = stripLeadingComments(sql);
    if (!text.trim()) throw new SandboxError('the query is empty', 'sql_error');
    const word = /^[A-Za-z]+/.exec(text)?.[0]?.toLowerCase() ?? '';
    if (!SELECT_LIKE.test(text) && KEYWORD_NAMES[word]) throw notAllowed(KEYWORD_NAMES[word]);
    let extracted;
    try {
      extracted = await this.conn.extractStatements(sql);
    } catch (e) {
      throw explainWord(e);
    }
    if (extracted.count !== 1) throw new SandboxError(`run one statement at a time (got ${extracted.count})`, 'not_one_statement');
    let prepared: DuckDBPreparedStatement;
    try {
      prepared = await extracted.prepare(0);
    } catch (e) {
      throw explainWord(e);
    }
    const type = prepared.statementType;
    if (type === StatementType.EXPLAIN) {
      // EXPLAIN [ANALYZE] runs its statement's plan: only of a SELECT.
      const inner = text.replace(/^explain\s+(analyze\s+)?/i, '');
      await this.prepareUserStatement(inner).then((p) => p.destroySync());
    } else if (type !== StatementType.SELECT) {
      prepared.destroySync();
      throw notAllowed(StatementType[type] ?? `type ${type}`);
    }
    return prepared;
  }

  /** Runs one user statement. Throws SandboxError for rejected, denied or failing SQL. */
  async query(sql: string, opts: QueryOptions = {}): Promise<QueryResult> {
    const started = Date.now();
    const maxRows = opts.maxRows ?? 1000;
    const prepared = await this.prepareUserStatement(sql);
    const timer = setTimeout(() => this.conn.interrupt(), opts.timeoutMs ?? 60_000);
    try {
      const reader = await prepared.streamAndReadUntil(maxRows + 1);
      const rows = reader.getRowsJS().map((r) => r.map(jsonSafe));
      const truncated = rows.length > maxRows || !reader.done;
      return {
        columns: reader.columnNames(),
        types: reader.columnTypes().map((t) => t.toString()),
        rows: rows.slice(0, maxRows),
        truncated,
        elapsedMs: Date.now() - started
      };
    } catch (e) {
      throw e instanceof SandboxError ? e : explainWord(e);
    } finally {
      clearTimeout(timer);
      prepared.destroySync();
    }
  }

  /**
   * Materialises a user SELECT into a temporary table (`into`) inside the sandbox, for trusted
   * code to inspect and write (see save-query.ts). The user part is checked like query().
   */
  async materialise(sql: string, into: string, timeoutMs = 600_000): Promise<void> {
    const prepared = await this.prepareUserStatement(sql);
    prepared.destroySync();
    if (/^\s*(explain|describe|desc|show|summarize|pragma)\b/i.test(stripLeadingComments(sql))) throw new SandboxError('save a SELECT query (not EXPLAIN/DESCRIBE/SHOW/SUMMARIZE) as a dataset', 'statement_not_allowed');
    const timer = setTimeout(() => this.conn.interrupt(), timeoutMs);
    try {
      await this.conn.run(`CREATE OR REPLACE TEMP TABLE ${sqlIdent(into)} AS ${sql.replace(/;\s*$/, '')}`);
    } catch (e) {
      throw explainWord(e);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Trusted SQL on the sandbox connection (the sandbox's limits still apply). Not for user text. */
  async trusted<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const r = await this.conn.runAndReadAll(sql);
    return r.getRowObjectsJS().map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, jsonSafe(v)]))) as T[];
  }

  /** Table names the query refers to (for lineage), read from DuckDB's own parse tree. */
  async tableNames(sql: string): Promise<string[]> {
    try {
      const r = await this.conn.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS j', [sql]);
      const names = new Set<string>();
      JSON.parse(String(r.getRows()[0][0]), (k, v) => {
        if (k === 'table_name' && typeof v === 'string' && v) names.add(v);
        return v;
      });
      return [...names];
    } catch {
      return [];
    }
  }

  close(): void {
    this.conn.closeSync();
    this.db.closeSync();
  }
}

/** BIGINT → number when safe (else string), nested values likewise; Dates stay. */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = jsonSafe(x);
    return o;
  }
  return v;
}
