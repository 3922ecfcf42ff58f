/**
 * Writes predictions.parquet (through the engine's DuckDB: rows go to a temporary NDJSON file and
 * COPY turns it into Parquet with explicit column types, then the file is renamed into place)
 * and eval.json (atomic JSON).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { withConnection, sqlIdent, sqlString } from '../../data/duckdb.ts';
import { tempPathFor, writeJsonAtomic } from '../../util/atomic-write.ts';
import type { EvalFile, PredictionColumn } from './eval-file.ts';

export type PredictionRow = Record<string, unknown>;

/** Writes `rows` (objects keyed by column name) as Parquet with the given column types. */
export async function writePredictionsParquet(file: string, columns: PredictionColumn[], rows: PredictionRow[]): Promise<number> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const ndjson = tempPathFor(file) + '.ndjson';
  const tmp = tempPathFor(file);
  try {
    await fsp.writeFile(ndjson, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
    const spec = columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
    const select = columns.map((c) => sqlIdent(c.name)).join(', ');
    const source = rows.length
      ? `read_json(${sqlString(ndjson)}, format = 'newline_delimited', columns = {${spec}})`
      : `(SELECT ${columns.map((c) => `CAST(NULL AS ${c.type}) AS ${sqlIdent(c.name)}`).join(', ')} WHERE false)`;
    await withConnection((conn) => conn.run(`COPY (SELECT ${select} FROM ${source}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`));
    await fsp.rename(tmp, file);
  } finally {
    await fsp.rm(ndjson, { force: true });
    await fsp.rm(tmp, { force: true });
  }
  return fs.statSync(file).size;
}

export async function writeEvalFile(file: string, e: EvalFile): Promise<void> {
  await writeJsonAtomic(file, e);
}

/** Hard-links (or copies, across devices) `src` to `dest`, replacing it. */
export async function linkOrCopy(src: string, dest: string): Promise<void> {
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  await fsp.rm(dest, { force: true });
  try {
    await fsp.link(src, dest);
  } catch {
    await fsp.copyFile(src, dest);
  }
}
