/**
 * From the intermediate NDJSON parts to the canonical Parquet file, and the dataset-level checks
 * DuckDB answers faster than JavaScript (exact duplicates). DuckDB reads the parts in order
 * (insertion order is kept, so rows stay in file order), adds each part's line offset, derives
 * the filter columns and writes one zstd-compressed Parquet file.
 */
import fsp from 'node:fs/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ColumnInfo } from '../catalog.ts';
import { queryRows, sqlIdent, sqlString, withConnection } from '../duckdb.ts';
import { MESSAGE_STRUCT } from '../schema.ts';
import { concatParquet } from './parquet-concat.ts';
import type { Part } from './scan.ts';

/** read_json over the parts with absolute line numbers: columns i (id), l (line) and, if asked, d. */
export function partsRelation(parts: Part[], metadataColumns: string[], withData: boolean, maxObjectBytes: number): string {
  const files = `[${parts.map((p) => sqlString(p.path)).join(', ')}]`;
  const dType = `STRUCT(messages ${MESSAGE_STRUCT}[], tools VARCHAR${metadataColumns.map((c) => `, ${sqlIdent(c)} VARCHAR`).join('')})`;
  const columns = `{i: 'VARCHAR', l: 'INTEGER'${withData ? `, t: 'INTEGER', c: 'INTEGER', s: 'VARCHAR', u: 'VARCHAR', a: 'VARCHAR', d: ${sqlString(dType)}` : ''}}`;
  const offset = parts.length === 1 ? `${parts[0].lineOffset}` : `CASE filename ${parts.map((p) => `WHEN ${sqlString(p.path)} THEN ${p.lineOffset}`).join(' ')} END`;
  return `(SELECT i, l + ${offset} AS l${withData ? ', t, c, s, u, a, d' : ''} FROM read_json(${files}, format = 'newline_delimited', columns = ${columns}, filename = true, maximum_object_size = ${maxObjectBytes}))`;
}

export interface WrittenParquet {
  rows: number;
  columns: ColumnInfo[];
}

/** Splits the ordered parts into at most `n` contiguous groups of similar row counts. */
export function groupParts(parts: Part[], n: number): Part[][] {
  const total = parts.reduce((a, p) => a + p.rows, 0);
  const groups: Part[][] = [];
  let current: Part[] = [];
  let acc = 0;
  for (const p of parts) {
    current.push(p);
    acc += p.rows;
    if (groups.length < n - 1 && acc >= (total * (groups.length + 1)) / n) {
      groups.push(current);
      current = [];
    }
  }
  if (current.length) groups.push(current);
  return groups;
}

async function convertGroup(parts: Part[], metadataColumns: string[], sourceFile: string, target: string, maxRecordBytes: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  // One single-threaded instance per group: DuckDB's ordered parallel Parquet writer buffers a
  // lot (over 1 GB for a million rows) and spends more CPU than groups converted side by side.
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await db.connect();
  // A stopped import (Ctrl-C, an upload stopped at server shutdown) interrupts the COPY at once
  // instead of waiting seconds for it to finish; the caller removes what it wrote.
  const interrupt = () => conn.interrupt();
  signal?.addEventListener('abort', interrupt, { once: true });
  try {
    const rel = partsRelation(parts, metadataColumns, true, maxRecordBytes * 2 + 4096);
    const select = [
      'i AS conversation_id',
      'd.messages AS messages',
      'd.tools AS tools',
      ...metadataColumns.map((c) => `d.${sqlIdent(c)} AS ${sqlIdent(c)}`),
      `${sqlString(sourceFile)} AS source_file`,
      'l AS source_line',
      // Derived in JavaScript during the scan (see intermediate.ts); same values as derivedColumnsSql().
      't AS turns',
      's AS system_text',
      'u AS user_text',
      'a AS assistant_text',
      'c AS chars',
      'CAST(NULL AS INTEGER) AS tokens'
    ].join(',\n  ');
    try {
      await conn.run(`COPY (SELECT ${select} FROM ${rel}) TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd)`);
    } catch (e) {
      signal?.throwIfAborted(); // report the stop, not DuckDB's "Interrupted!"
      throw e;
    }
  } finally {
    signal?.removeEventListener('abort', interrupt);
    conn.closeSync();
    db.closeSync();
  }
}

/**
 * Writes the canonical table for `parts` to `target` (a temporary path; the caller renames). Big
 * inputs are converted in `groups` contiguous groups in parallel and the results concatenated
 * (parquet-concat.ts), so the rows keep file order.
 */
export async function writeCanonicalParquet(parts: Part[], metadataColumns: string[], sourceFile: string, target: string, maxRecordBytes: number, groups = 1, signal?: AbortSignal): Promise<WrittenParquet> {
  const split = groupParts(parts, Math.max(1, groups));
  if (split.length <= 1) await convertGroup(parts, metadataColumns, sourceFile, target, maxRecordBytes, signal);
  else {
    const pieces = split.map((_, i) => `${target}.part${i}`);
    try {
      await Promise.all(split.map((g, i) => convertGroup(g, metadataColumns, sourceFile, pieces[i], maxRecordBytes, signal)));
      await concatParquet(pieces, target);
    } finally {
      await Promise.all(pieces.map((p) => fsp.rm(p, { force: true })));
    }
  }
  return withConnection((conn) => describeParquet(conn, target));
}

export async function describeParquet(conn: DuckDBConnection, file: string): Promise<WrittenParquet> {
  const cols = await queryRows<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`, conn);
  const [{ n }] = await queryRows<{ n: number }>(`SELECT count(*) AS n FROM read_parquet(${sqlString(file)})`, conn);
  return { rows: n, columns: cols.map((c) => ({ name: c.column_name, type: c.column_type })) };
}

export interface Duplicates {
  /** Rows that repeat an earlier row's conversation. */
  total: number;
  /** Up to `limit` groups: the first line and the lines repeating it. */
  groups: { first: number; repeats: number[] }[];
}

/** Exact duplicate conversations (same conversation_id) in a relation with columns id/line. */
export async function findDuplicates(relation: string, idCol: string, lineCol: string, limit = 200): Promise<Duplicates> {
  return withConnection(async (conn) => {
    const [{ total }] = await queryRows<{ total: number }>(`SELECT count(*) - count(DISTINCT ${idCol}) AS total FROM ${relation}`, conn);
    if (total === 0) return { total: 0, groups: [] };
    const rows = await queryRows<{ lines: number[] }>(
      `SELECT list(${lineCol} ORDER BY ${lineCol}) AS lines FROM ${relation} GROUP BY ${idCol} HAVING count(*) > 1 ORDER BY min(${lineCol}) LIMIT ${limit}`,
      conn
    );
    return { total, groups: rows.map((r) => ({ first: r.lines[0], repeats: r.lines.slice(1) })) };
  });
}
