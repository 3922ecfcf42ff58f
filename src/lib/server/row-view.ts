/**
 * What the row view shows for one record: its raw text from the file it came from, the
 * validation findings on it (uploads), and the imported conversation(s). Two ways in: a line of
 * an upload (a finding's link) and a row of a dataset version (the conversation viewer).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../../engine/workspace.ts';
import { ApiFailure } from './api-error.ts';
import { findVersion } from './dataset-version.ts';
import { readRow, rowsAtLine } from './browse.ts';
import { readJob } from './import-jobs.ts';
import { readRawRecord } from './raw-record.ts';
import { uploadDir } from './uploads.ts';
import type { RowViewData } from '$lib/row-view';

/** Line `line` of upload `id`, with the conversations it became when the upload was imported. */
export async function uploadLineView(ws: Workspace, id: string, line: number): Promise<RowViewData> {
  if (!Number.isInteger(line) || line < 1) throw new ApiFailure(404, 'line_not_found', `line must be a positive number`);
  const job = await readJob(ws, id);
  const dir = uploadDir(ws, id);
  const stored = (await fsp.readdir(dir)).find((f) => f !== 'job.json' && f !== 'events.jsonl' && !f.startsWith('.'));
  const file = stored ? path.join(dir, stored) : null;
  const raw = file ? await readRawRecord(file, line) : null;
  const findings = (job.outcome?.findings ?? []).filter((f) => f.line === line);
  const o = job.outcome;
  let rows: RowViewData['rows'] = [];
  let dataset: RowViewData['dataset'] = null;
  if (o && o.ok && o.mode === 'import' && o.name && o.version) {
    try {
      const { version, file: parquet } = await findVersion(ws, o.name, o.version);
      const at = await rowsAtLine(ws, version, parquet, line, job.file);
      const found = await Promise.all(at.slice(0, 5).map((i) => readRow(ws, version, parquet, i)));
      rows = found.filter((r) => r !== null);
      dataset = { name: o.name, version: o.version };
    } catch (e) {
      if (!(e instanceof ApiFailure && e.status === 404)) throw e;
    }
  }
  const rawNote = raw ? null : file ? `${job.file} has no line ${line}.` : 'The uploaded file is no longer kept.';
  return { title: `${job.file}, line ${line}`, fileLabel: job.file, raw, rawNote, findings, rows, dataset, uploadId: id, imported: !!dataset };
}

/** Row `i` of a dataset version, with its record in the imported file when that file is still there. */
export async function datasetRowView(ws: Workspace, name: string, versionParam: string | null, i: number): Promise<RowViewData> {
  const { entry, version, file } = await findVersion(ws, name, versionParam);
  const row = await readRow(ws, version, file, i);
  if (!row) throw new ApiFailure(404, 'row_not_found', `${name} v${version.version} has ${version.rows} rows; there is no row ${i + 1}`);
  const l = version.lineage;
  let raw = null;
  let rawNote: string | null = null;
  let fileLabel: string | null = row.source_file;
  if (l.kind !== 'import') rawNote = `This version was ${l.kind === 'sql' ? 'saved from a SQL query' : l.kind === 'stage' ? `made by pipeline stage ${l.stage}` : 'made from feedback'}; its rows keep their source file and line (${row.source_file ?? '?'}:${row.source_line ?? '?'}).`;
  else if (row.source_line === null) rawNote = 'The row has no source line.';
  else {
    const src = path.resolve(ws.root, l.file);
    fileLabel = l.file;
    if (!fs.existsSync(src)) rawNote = `The imported file ${l.file} is no longer there.`;
    else raw = await readRawRecord(src, row.source_line);
  }
  return { title: `${entry.name} v${version.version}, row ${i + 1}`, fileLabel, raw, rawNote, findings: [], rows: [row], dataset: { name: entry.name, version: version.version }, uploadId: null, imported: true };
}
