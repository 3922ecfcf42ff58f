/**
 * Exports of fine-tuned models for download: adapter (PEFT LoRA), merged, int8 — the trainer's
 * `tunebench export`, run as a child process (loading and merging weights would block the web
 * server's event loop), into the run's exports folder:
 *
 *   runs/<run-id>/exports/<model tag>-<format>/
 *
 * Each export is recorded in the models state (state.ts): an exported model never expires, and
 * deleting the model never touches its exports.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Workspace } from '../../workspace.ts';
import { runPaths, wsRelative } from '../../runs/index.ts';
import { treeBytes } from '../../train/files.ts';
import { badParam, OpenAIError } from '../errors.ts';
import { repoRoot } from '../runtime.ts';
import { resolveModelId } from './catalog.ts';
import { parseFtName } from './names.ts';
import { readModelsState, updateModelsState, type ExportFormat, type ExportRecord } from './state.ts';

const run = promisify(execFile);

export const EXPORT_FORMATS: readonly ExportFormat[] = ['adapter', 'merged', 'int8'];

export function isExportFormat(f: string): f is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(f);
}

export async function exportModel(ws: Workspace, id: string, format: string, env: NodeJS.ProcessEnv = process.env): Promise<ExportRecord> {
  if (!isExportFormat(format)) throw badParam('format', `format must be adapter, merged or int8 (got '${format}')`);
  const m = await resolveModelId(ws, id, env);
  if (m.kind !== 'fine-tuned' || !m.run_id || !m.stage) throw badParam('model', `${id} is not a fine-tuned model: only fine-tuned models are exported (checkpoints: export their model)`, 'not_exportable');
  const tag = parseFtName(id)?.tag ?? m.stage;
  const out = path.join(runPaths(ws, m.run_id).exportsDir, `${tag}-${format}`);
  try {
    await run(process.execPath, [path.join(repoRoot(), 'bin', 'tunebench.js'), '--workspace', ws.root, 'export', m.run_id, '--stage', m.stage, '--format', format, '--out', out, '--force', '--json'], { env, maxBuffer: 16 << 20, timeout: 30 * 60_000 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new OpenAIError(400, `export failed: ${(err.stderr || err.message).trim().split('\n').slice(-3).join(' ')}`, { code: 'export_failed', param: 'format' });
  }
  const record: ExportRecord = { format, path: wsRelative(ws, out), created_at: new Date().toISOString(), bytes: treeBytes(out) };
  await updateModelsState(ws, (s) => {
    s.exports[id] = [...(s.exports[id] ?? []).filter((x) => x.format !== format), record];
  });
  return record;
}

/** The folder of an existing export (404 when the model has none in that format). */
export async function exportFolder(ws: Workspace, id: string, format: string): Promise<string> {
  const rec = (await readModelsState(ws)).exports[id]?.find((x) => x.format === format);
  const dir = rec ? path.join(ws.root, ...rec.path.split('/')) : null;
  if (!dir || !fs.existsSync(dir)) throw new OpenAIError(404, `${id} has no ${format} export yet`, { code: 'export_not_found', param: 'format' });
  return dir;
}
