/**
 * A dataset version as a DuckDB database file, for duckdb-wasm in the browser. duckdb-wasm 1.32
 * has no Parquet reader built in (it would download the parquet extension at run time, and the
 * workbench works offline), but it can ATTACH a DuckDB database over HTTP and read it by byte
 * ranges: only the blocks a query touches travel. So each version is converted once, on first
 * request, into .tunebench/cache/duckdb-wasm/<version key>.duckdb holding one table, `data`.
 * The file is derived and content-addressed: deleting the folder is always safe.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../../engine/workspace.ts';
import { withConnection, sqlIdent, sqlString } from '../../engine/data/duckdb.ts';
import { tempPathFor } from '../../engine/util/atomic-write.ts';
import { withLock } from '../../engine/util/lock.ts';

/** duckdb-wasm 1.32 embeds DuckDB 1.4: write files in a storage format it reads. */
export const BROWSER_STORAGE_VERSION = 'v1.4.0';
/** The table inside every converted file. */
export const BROWSER_TABLE = 'data';

export function browserDbDir(ws: Workspace): string {
  return path.join(ws.dir, 'cache', 'duckdb-wasm');
}

/** The converted file for a version with content key `key`, made from `parquet` if missing. */
export async function ensureBrowserDb(ws: Workspace, key: string, parquet: string): Promise<string> {
  if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new Error(`invalid dataset version key '${key}'`);
  const dir = browserDbDir(ws);
  const target = path.join(dir, `${key}.duckdb`);
  if (fs.existsSync(target)) return target;
  await fsp.mkdir(dir, { recursive: true });
  return withLock(`${target}.lock`, async () => {
    if (fs.existsSync(target)) return target; // converted while we waited
    const work = tempPathFor(target);
    const alias = sqlIdent(`convert_${path.basename(work).replace(/\W/g, '_')}`);
    try {
      await withConnection(async (c) => {
        await c.run(`ATTACH ${sqlString(work)} AS ${alias} (STORAGE_VERSION '${BROWSER_STORAGE_VERSION}')`);
        try {
          await c.run(`CREATE TABLE ${alias}.${BROWSER_TABLE} AS SELECT * FROM read_parquet(${sqlString(parquet)})`);
          await c.run(`CHECKPOINT ${alias}`);
        } finally {
          await c.run(`DETACH ${alias}`);
        }
      });
      await fsp.rename(work, target);
      return target;
    } finally {
      await fsp.rm(work, { force: true });
      await fsp.rm(`${work}.wal`, { force: true });
    }
  }, 10 * 60_000);
}
