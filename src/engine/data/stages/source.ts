/**
 * source: where rows come from.
 *  - A file: imported with the importer's own door (importDataset: validation, the canonical
 *    table, a content-addressed version in the catalog named after the source, with lineage).
 *    Its cache input is the file's content hash (size+mtime first; see runs/file-hash.ts), and its
 *    parameters are the format, options and the file's base name (the importer writes it into
 *    source_file), never the path.
 *  - A workspace dataset (a version, or the latest when the Plan says null): its cache input is
 *    the version's content key.
 * The stage output is the version's Parquet file, hard-linked (copied where links fail).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { SourceStage } from '../../../../dsl/plan.ts';
import { fileContentHash } from '../../runs/file-hash.ts';
import type { StageContext, StageExecutor } from '../../runs/stage-executor.ts';
import type { Workspace } from '../../workspace.ts';
import { datasetNameFromFile, readCatalog, resolveDataset, validateDatasetName, versionPath } from '../catalog.ts';
import { importDataset } from '../import.ts';
import { q } from './sql.ts';

/** Hard link (cheap, same bytes) or copy. */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  await fsp.rm(to, { force: true });
  try {
    await fsp.link(from, to);
  } catch {
    await fsp.copyFile(from, to);
  }
}

async function workspaceVersion(ws: Workspace, dataset: string, version: number | null) {
  const r = resolveDataset(await readCatalog(ws), version === null ? dataset : `${dataset}@${version}`);
  if ('error' in r) throw new Error(r.error);
  return r.version;
}

function importName(stage: SourceStage): string {
  if (!validateDatasetName(stage.name)) return stage.name;
  return stage.params.from === 'file' ? datasetNameFromFile(stage.params.path) : stage.name;
}

export const sourceExecutor: StageExecutor<SourceStage> = {
  cacheable: () => true,
  keyParams(stage) {
    const p = stage.params;
    return p.from === 'file' ? { from: 'file', format: p.format, options: p.options, file_name: path.basename(p.path) } : { from: 'workspace' };
  },
  async externalInput(stage, ws) {
    const p = stage.params;
    if (p.from === 'file') {
      const abs = path.resolve(ws.root, p.path);
      const h = await fileContentHash(ws, abs).catch((e: NodeJS.ErrnoException) => {
        throw new Error(e.code === 'ENOENT' ? `cannot read ${p.path}: no such file (paths are relative to the workspace folder ${ws.root})` : `cannot read ${p.path}: ${e.message}`);
      });
      return { label: p.path, key: `sha256:${h.sha256}` };
    }
    const v = await workspaceVersion(ws, p.dataset, p.version);
    return { label: `${p.dataset}@${v.version}`, key: v.key };
  },
  async run(ctx: StageContext<SourceStage>) {
    const p = ctx.stage.params;
    const out = path.join(ctx.outDir, 'main.parquet');
    if (p.from === 'workspace') {
      const v = await workspaceVersion(ctx.ws, p.dataset, p.version);
      await linkOrCopy(versionPath(ctx.ws, v), out);
      return { outputs: { main: { kind: 'parquet', path: out, rows: v.rows } }, rowsIn: v.rows, rowsOut: v.rows, summary: { dataset: p.dataset, version: v.version, rows_out: v.rows, key: v.key } };
    }
    const abs = path.resolve(ctx.ws.root, p.path);
    const name = importName(ctx.stage);
    const r = await importDataset(ctx.ws, abs, {
      name,
      format: p.format === 'auto' ? undefined : p.format,
      mapping: p.options.mapping ?? undefined,
      skipInvalid: p.options.skip_invalid,
      signal: ctx.signal,
      onProgress: (pr) => ctx.events.progress({ done: pr.bytes, total: pr.totalBytes, unit: 'bytes', phase: 'import' })
    });
    if (!r.ok || !r.version) {
      const first = r.findings.filter((f) => f.severity === 'error').slice(0, 5).map((f) => `${f.file}:${f.line ?? '?'}${f.column ? `:${f.column}` : ''} ${f.code}: ${f.message}`);
      throw new Error([r.message, ...first, first.length ? `(tunebench validate ${p.path} shows every finding)` : ''].filter(Boolean).join('\n'));
    }
    if (r.warnings) ctx.events.warn(`${p.path}: ${r.warnings} validation warning${r.warnings === 1 ? '' : 's'} (tunebench validate ${p.path})`, { counts: r.counts });
    await linkOrCopy(versionPath(ctx.ws, r.version), out);
    return {
      outputs: { main: { kind: 'parquet', path: out, rows: r.rows } },
      rowsIn: r.records,
      rowsOut: r.rows,
      summary: {
        file: p.path,
        dataset: name,
        version: r.version.version,
        import_status: r.status,
        format: r.detection.format,
        rows_out: r.rows,
        records: r.records,
        skipped_lines: r.skippedLines.length,
        warnings: r.warnings,
        duplicates: r.duplicates
      }
    };
  },
  describe(stage) {
    const p = stage.params;
    const what = p.from === 'file' ? `import ${p.path} (format ${p.format}) with the dataset importer into the workspace dataset '${importName(stage)}'` : `the workspace dataset ${p.dataset}${p.version === null ? ' (latest version)' : `@${p.version}`}`;
    return {
      sql: p.from === 'workspace' ? [{ title: 'output', text: `select * from ${q(p.dataset)} -- the version's Parquet file, linked as the stage output` }] : [],
      notes: [what, 'the output is the dataset version\'s Parquet file (canonical conversation table)']
    };
  }
};
