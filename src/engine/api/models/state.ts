/**
 * What the API remembers about fine-tuned models beyond the run store, in one small file:
 *
 *   .tunebench/api/models.json   { format: tunebench.api-models, version: 1,
 *                                   pinned:  { <model id>: <iso time> },
 *                                   deleted: { <model id>: <iso time> },
 *                                   exports: { <model id>: [ { format, path, created_at, bytes } ] } }
 *
 * Pinned and exported models never expire (retention.ts); deleted models are gone from the API
 * even when another model shares their stage-cache files. Rewritten whole under a lock.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../../workspace.ts';
import { writeJsonAtomic } from '../../util/atomic-write.ts';
import { withLock } from '../../util/lock.ts';

export const MODELS_STATE_FORMAT = 'tunebench.api-models';

export type ExportFormat = 'adapter' | 'merged' | 'int8';

export interface ExportRecord {
  format: ExportFormat;
  /** Workspace-relative folder of the export (runs/<run>/exports/…). */
  path: string;
  created_at: string;
  bytes: number;
}

export interface ModelsState {
  format: typeof MODELS_STATE_FORMAT;
  version: 1;
  pinned: Record<string, string>;
  deleted: Record<string, string>;
  exports: Record<string, ExportRecord[]>;
}

export function apiDir(ws: Workspace): string {
  return path.join(ws.dir, 'api');
}

const statePath = (ws: Workspace) => path.join(apiDir(ws), 'models.json');

export async function readModelsState(ws: Workspace): Promise<ModelsState> {
  try {
    const s = JSON.parse(await fsp.readFile(statePath(ws), 'utf8')) as ModelsState;
    if (s.format !== MODELS_STATE_FORMAT || s.version > 1) throw new Error(`${statePath(ws)}: not a models state file this tunebench reads`);
    return { ...s, pinned: s.pinned ?? {}, deleted: s.deleted ?? {}, exports: s.exports ?? {} };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { format: MODELS_STATE_FORMAT, version: 1, pinned: {}, deleted: {}, exports: {} };
    throw e;
  }
}

export async function updateModelsState<T>(ws: Workspace, fn: (s: ModelsState) => T): Promise<T> {
  await fsp.mkdir(apiDir(ws), { recursive: true });
  return withLock(path.join(apiDir(ws), 'models.lock'), async () => {
    const s = await readModelsState(ws);
    const out = fn(s);
    await writeJsonAtomic(statePath(ws), s);
    return out;
  });
}
