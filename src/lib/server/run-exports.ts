/**
 * Exports of a run's trained model, for the run page's export buttons: `tunebench export` (the
 * trainer's export.ts: adapter, merged, int8) run as a child process, because loading and
 * merging weights would stall the server's event loop, into
 *
 *   runs/<run-id>/exports/<stage>-<checkpoint>-<format>/
 *
 * and downloaded as one .tar (engine/api/tar.ts streams it file by file; no archive library is
 * installed and an export is a flat folder of plain files, which ustar covers).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { runPaths } from '../../engine/runs/index.ts';
import type { Workspace } from '../../engine/workspace.ts';
import { repoRoot } from '../../engine/api/runtime.ts';
import { ApiFailure } from './api-error.ts';
import { readRunSync, requireRun } from './run-files.ts';
import { runExportDownload, type ExportView } from '$lib/runs';

const run = promisify(execFile);

export const EXPORT_FORMATS = ['adapter', 'merged', 'int8'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const CHECKPOINT = /^(final|best|last|epoch-\d+|step-\d+)$/;
const EXPORT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+@-]{0,120}$/;

export interface ExportRequest {
  stage?: unknown;
  checkpoint?: unknown;
  format?: unknown;
}

/** The folder name of an export: what it is, readable in a file manager. */
export function exportName(stage: string, checkpoint: string, format: string): string {
  return `${stage}-${checkpoint}-${format}`.replace(/[^A-Za-z0-9_.+@-]/g, '_');
}

function describeExport(id: string, dir: string, name: string): ExportView | null {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  const files: ExportView['files'] = [];
  let newest = 0;
  for (const e of entries) {
    if (!e.isFile()) continue;
    const st = fs.statSync(path.join(dir, e.name));
    files.push({ name: e.name, bytes: st.size });
    newest = Math.max(newest, st.mtimeMs);
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); // as the tar lists them
  return { name, files, bytes: files.reduce((n, f) => n + f.bytes, 0), created_at: new Date(newest || Date.now()).toISOString(), download: runExportDownload(id, name) };
}

/** The exports folder's finished exports (temporary folders of exports under way are skipped). */
export function listExports(ws: Workspace, id: string): ExportView[] {
  const root = runPaths(ws, id).exportsDir;
  let names: fs.Dirent[];
  try {
    names = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: ExportView[] = [];
  for (const e of names) {
    if (!e.isDirectory() || e.name.includes('.tmp-') || !EXPORT_NAME.test(e.name)) continue;
    const v = describeExport(id, path.join(root, e.name), e.name);
    if (v) out.push(v);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The folder of an existing export; 404 for a name that is not one. */
export async function exportFolder(ws: Workspace, id: string, name: string): Promise<string> {
  requireRun(ws, id);
  if (!EXPORT_NAME.test(name) || name.includes('.tmp-')) throw new ApiFailure(400, 'bad_export_name', `'${name}' is not an export name`);
  const dir = path.join(runPaths(ws, id).exportsDir, name);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ApiFailure(404, 'export_not_found', `run ${id} has no export '${name}' (export it first)`);
  return dir;
}

const inFlight = new Map<string, Promise<ExportView>>();

/** Checks the request against the run: a succeeded train stage, a known checkpoint, a format. */
export async function checkExportRequest(ws: Workspace, id: string, req: ExportRequest): Promise<{ stage: string; checkpoint: string; format: ExportFormat }> {
  const rec = readRunSync(ws, id);
  const format = String(req.format ?? '');
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new ApiFailure(400, 'bad_format', `format must be adapter, merged or int8 (got '${format}')`, { field: 'format' });
  const trained = rec.status.stages.filter((s) => s.kind === 'train');
  if (!trained.length) throw new ApiFailure(422, 'nothing_to_export', `run ${id} has no train stage: nothing to export`);
  const stageId = req.stage === undefined || req.stage === null ? (trained.length === 1 ? trained[0].id : null) : String(req.stage);
  if (stageId === null) throw new ApiFailure(400, 'missing_stage', `run ${id} has several train stages (${trained.map((s) => s.id).join(', ')}); say which`, { field: 'stage' });
  const st = trained.find((s) => s.id === stageId);
  if (!st) throw new ApiFailure(404, 'stage_not_found', `run ${id} has no train stage '${stageId}' (it has: ${trained.map((s) => s.id).join(', ')})`, { field: 'stage' });
  if (st.state !== 'succeeded') throw new ApiFailure(409, 'stage_not_finished', `train stage ${st.id} ${st.state === 'running' ? 'is still training' : `did not succeed (${st.state})`}; nothing to export yet`);
  const checkpoint = String(req.checkpoint ?? 'final');
  if (!CHECKPOINT.test(checkpoint)) throw new ApiFailure(400, 'bad_checkpoint', `checkpoint must be final, best, last, epoch-N or step-N (got '${checkpoint}')`, { field: 'checkpoint' });
  const output = checkpoint === 'final' ? 'main' : checkpoint;
  if (!st.outputs[output]) throw new ApiFailure(404, 'checkpoint_not_found', `train stage ${st.id} kept no '${checkpoint}' checkpoint (it has: ${Object.keys(st.outputs).map((k) => (k === 'main' ? 'final' : k)).join(', ')})`, { field: 'checkpoint' });
  if (format === 'adapter' && (st.summary as { method?: string } | null)?.method === 'full') throw new ApiFailure(422, 'not_an_adapter', `train stage ${st.id} fine-tuned all weights (method full): export it as merged or int8; only LoRA stages have an adapter`, { field: 'format' });
  return { stage: st.id, checkpoint, format: format as ExportFormat };
}

/** Runs `tunebench export` for the request (one at a time per export name) and describes the result. */
export async function exportRun(ws: Workspace, id: string, req: ExportRequest, env: NodeJS.ProcessEnv = process.env): Promise<ExportView> {
  const { stage, checkpoint, format } = await checkExportRequest(ws, id, req);
  const name = exportName(stage, checkpoint, format);
  const key = `${ws.root}\n${id}\n${name}`;
  let job = inFlight.get(key);
  if (!job) {
    job = (async () => {
      const out = path.join(runPaths(ws, id).exportsDir, name);
      const args = [path.join(repoRoot(), 'bin', 'tunebench.js'), '--workspace', ws.root, 'export', id, '--stage', stage, '--checkpoint', checkpoint, '--format', format, '--out', out, '--force', '--json'];
      try {
        await run(process.execPath, args, { env, maxBuffer: 16 << 20, timeout: 30 * 60_000 });
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        const why = (err.stderr || err.message).trim().split('\n').filter(Boolean).slice(-3).join(' ');
        throw new ApiFailure(422, 'export_failed', `exporting ${stage}@${checkpoint} as ${format} failed: ${why}`);
      }
      const v = describeExport(id, out, name);
      if (!v) throw new ApiFailure(500, 'export_missing', `the export finished but ${out} is not there`);
      return v;
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, job);
  }
  return job;
}
