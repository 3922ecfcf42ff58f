/**
 * What the model commands (generate, logits, tokenize, models) share: --model resolution, the
 * backend flags and model loading. Not a command itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CliContext } from '../command.ts';
import { UsageError } from '../command.ts';
import { intFlag } from '../args.ts';
import { openWorkspace, type Workspace } from '../../engine/workspace.ts';
import { resolveModel } from '../../engine/model/registry.ts';
import type { LoadedModel } from '../../engine/model/load.ts';
import type { BackendRecord, BackendRequest } from '../../engine/train/backend.ts';

export const BACKEND_FLAGS = {
  backend: { type: 'string' },
  threads: { type: 'string' }
} as const;

export const BACKEND_USAGE = `  --backend B          auto (default) | tensorflow | wasm | cpu (or TUNEBENCH_BACKEND)
  --threads N          WASM threads (default 1; or TUNEBENCH_THREADS)`;

/**
 * The workspace if one exists here; model commands never create one just to read a folder. A
 * .tunebench folder without its workspace.json (e.g. made by `models init --out
 * .tunebench/models/NAME` before any other command) is completed rather than refused.
 */
export async function existingWorkspace(ctx: CliContext): Promise<Workspace | null> {
  if (!fs.existsSync(path.join(ctx.workspaceDir, '.tunebench'))) return null;
  return openWorkspace(ctx.workspaceDir, { create: true });
}

/** --model: a folder path or a registered / workspace / TUNEBENCH_MODELS name. */
export async function modelDir(ctx: CliContext, ref: string | undefined, usage: string): Promise<string> {
  if (!ref) throw new UsageError(`--model is required\n\n${usage}`);
  try {
    return await resolveModel(ref, await existingWorkspace(ctx), ctx.env);
  } catch (e) {
    throw new UsageError((e as Error).message, 1);
  }
}

export async function backendRequest(ctx: CliContext, values: { backend?: string; threads?: string }): Promise<BackendRequest> {
  const { backendRequestFromEnv } = await import('../../engine/train/backend.ts');
  const req = backendRequestFromEnv(ctx.env);
  if (values.backend !== undefined) {
    if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(values.backend)) throw new UsageError(`--backend must be auto, tensorflow, wasm or cpu (got '${values.backend}')`);
    req.backend = values.backend as BackendRequest['backend'];
  }
  const t = intFlag(values.threads, 'threads');
  if (t !== undefined) req.threads = t;
  return req;
}

/** Starts the backend and loads the model. TensorFlow.js is imported only here, so commands that
 * only list models or tokenize text start fast. */
export async function loadForCli(ctx: CliContext, dir: string, values: { backend?: string; threads?: string }, opts: { tokenizer?: 'required' | 'optional' } = {}): Promise<{ lm: LoadedModel; backend: BackendRecord }> {
  const [{ initBackend }, { loadModel }] = await Promise.all([import('../../engine/train/backend.ts'), import('../../engine/model/load.ts')]);
  const backend = await initBackend(await backendRequest(ctx, values));
  return { lm: loadModel(dir, opts), backend };
}

/** Parses "1,2,3" (spaces allowed) into token ids. */
export function idsFlag(v: string, flag = 'ids'): number[] {
  const parts = v.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) throw new UsageError(`--${flag} expects comma-separated token ids, e.g. 1,403,407 (got '${v}')`);
  return parts.map(Number);
}

export function backendSummary(b: BackendRecord): { name: string; threads: number; simd: boolean; versions: Record<string, string> } {
  return { name: b.backend, threads: b.threads, simd: b.simd, versions: b.versions };
}
