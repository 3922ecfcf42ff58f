/**
 * DuckDB in the browser (duckdb-wasm), served by the app itself: the wasm modules and workers are
 * bundled as Vite assets, nothing comes from a CDN. Datasets are attached by URL as DuckDB
 * database files and read by HTTP range requests (the app's file routes answer them, see
 * $lib/server/serve-file.ts and $lib/server/browser-db.ts). Not Parquet: duckdb-wasm 1.32 reads
 * Parquet only through an extension it downloads at run time, and the workbench is offline.
 * Import this module dynamically, from the pages that need it: it is large.
 *
 *   const db = await browserDb();
 *   await db.attachDataset(browserDbUrl('support', 2), 'support');
 *   const out = await db.query('SELECT intent, count(*) FROM support GROUP BY ALL');
 *   if (out.ok) grid.show(out.result); else showError(out.error);  // out.error.line / .column
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { parseSqlError, type SqlError } from './sql-error.ts';
import { toPlain, columnReader } from './arrow-values.ts';

export type { SqlError };

export interface ResultColumn {
  name: string;
  /** Arrow type as text, e.g. Int64, Utf8, List<Struct<…>>. */
  type: string;
  numeric: boolean;
}

export interface QueryResult {
  columns: ResultColumn[];
  rowCount: number;
  elapsedMs: number;
  /** Rows offset..offset+limit as plain objects (BIGINT as number when exact, else string). */
  rows(offset: number, limit: number): Record<string, unknown>[];
}

export type QueryOutcome = { ok: true; result: QueryResult } | { ok: false; error: SqlError };

type Table = Awaited<ReturnType<duckdb.AsyncDuckDBConnection['query']>>;

const sqlIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;
const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

export class BrowserDb {
  readonly #db: duckdb.AsyncDuckDB;
  readonly #conn: duckdb.AsyncDuckDBConnection;
  readonly #attached = new Map<string, string>();

  private constructor(db: duckdb.AsyncDuckDB, conn: duckdb.AsyncDuckDBConnection) {
    this.#db = db;
    this.#conn = conn;
  }

  static async open(): Promise<BrowserDb> {
    const bundle = await duckdb.selectBundle({
      mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
      eh: { mainModule: ehWasm, mainWorker: ehWorker }
    });
    const worker = new Worker(bundle.mainWorker!);
    const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
    await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    // Ranges only, never whole-file downloads. forceFullHTTPReads must be spelled out: when the
    // filesystem object is given without it, duckdb-wasm 1.32 takes it as true and opens no URL.
    await db.open({ filesystem: { reliableHeadRequests: true, allowFullHTTPReads: false, forceFullHTTPReads: false } });
    const conn = await db.connect();
    // Offline by design: never try to fetch extensions from the internet.
    await conn.query('SET autoinstall_known_extensions = false; SET autoload_known_extensions = false');
    return new BrowserDb(db, conn);
  }

  /**
   * Makes `table` a view over the dataset file at `url` (a DuckDB database with table `data`, as
   * served by /api/datasets/NAME/duckdb), re-pointing it when the URL changed.
   */
  async attachDataset(url: string, table: string): Promise<void> {
    const absolute = new URL(url, location.href).href;
    if (this.#attached.get(table) === absolute) return;
    const n = this.#attached.size;
    const file = `dataset_${n}.duckdb`;
    const alias = `dataset_${n}`;
    await this.#db.registerFileURL(file, absolute, duckdb.DuckDBDataProtocol.HTTP, false);
    await this.#conn.query(`ATTACH ${sqlString(file)} AS ${sqlIdent(alias)} (READ_ONLY)`);
    await this.#conn.query(`CREATE OR REPLACE VIEW ${sqlIdent(table)} AS SELECT * FROM ${sqlIdent(alias)}.data`);
    this.#attached.set(table, absolute);
  }

  /** Table names a query refers to (empty when it does not parse). */
  async tablesIn(sql: string): Promise<string[]> {
    try {
      return await this.#conn.getTableNames(sql);
    } catch {
      return [];
    }
  }

  async query(sql: string): Promise<QueryOutcome> {
    const t0 = performance.now();
    let table: Table;
    try {
      table = await this.#conn.query(sql);
    } catch (e) {
      return { ok: false, error: parseSqlError((e as Error).message ?? String(e), sql) };
    }
    return { ok: true, result: toResult(table, performance.now() - t0) };
  }

  async close(): Promise<void> {
    await this.#conn.close();
    await this.#db.terminate();
  }
}

function toResult(table: Table, elapsedMs: number): QueryResult {
  const fields = table.schema.fields;
  const readers = fields.map((f, j) => columnReader(table.getChildAt(j), String(f.type)));
  return {
    columns: fields.map((f) => ({ name: f.name, type: String(f.type), numeric: /^(U?Int|Float|Decimal)/.test(String(f.type)) })),
    rowCount: table.numRows,
    elapsedMs,
    rows(offset, limit) {
      const out: Record<string, unknown>[] = [];
      const end = Math.min(table.numRows, offset + limit);
      for (let i = Math.max(0, offset); i < end; i++) {
        const row: Record<string, unknown> = {};
        fields.forEach((f, j) => (row[f.name] = readers[j](i)));
        out.push(row);
      }
      return out;
    }
  };
}

let shared: Promise<BrowserDb> | undefined;

/** The page's database, opened on first use. */
export function browserDb(): Promise<BrowserDb> {
  shared ??= BrowserDb.open().catch((e) => {
    shared = undefined;
    throw e;
  });
  return shared;
}

export { toPlain };
