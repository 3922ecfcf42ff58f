/**
 * The stage cache: .tunebench/stages/<key>/ holds a stage's outputs and meta.json. The key is a
 * sha256 over canonical JSON of what determines the output: the stage kind, the parameter values
 * it reads, the keys of its inputs (a source file's content hash, an upstream stage's key) and
 * the engine version. Never paths, names or times: renaming a stage or moving the workspace keeps
 * the cache; changing anything upstream changes every key downstream.
 *
 * A lookup that finds a damaged entry (unreadable meta.json, unknown format, a missing or
 * truncated output file) reports it as a miss with the reason; it never throws.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { StageKind } from '../../../dsl/plan.ts';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import { ENGINE_VERSION } from '../version.ts';
import type { Workspace } from '../workspace.ts';
import { canonicalJson, hashJson, sha256Hex } from './canonical-json.ts';
import type { StageOutput } from './stage-executor.ts';
import type { KeyIngredients } from './types.ts';

export const CACHE_FORMAT = 'tunebench.stage-cache';
export const CACHE_VERSION = 1;

/** One input of a key: a Plan input (role, producer key, part) or an external one (a file). */
export interface KeyInput {
  /** The source-level name (for explanations; not hashed). */
  name: string;
  role: string;
  key: string;
  part: string | null;
}

export interface KeyMaterial {
  kind: StageKind;
  params: unknown;
  inputs: KeyInput[];
  engineVersion?: string;
}

/** The exact value that is hashed (names are left out on purpose: they do not change outputs). */
export function keyDocument(m: KeyMaterial): unknown {
  return {
    cache: CACHE_VERSION,
    kind: m.kind,
    params: m.params,
    inputs: m.inputs.map((i) => ({ role: i.role, key: i.key, part: i.part })),
    engine: m.engineVersion ?? ENGINE_VERSION
  };
}

export function stageKey(m: KeyMaterial): string {
  return sha256Hex(canonicalJson(keyDocument(m)));
}

export function keyIngredients(m: KeyMaterial): KeyIngredients {
  return {
    kind: m.kind,
    params_sha256: hashJson(m.params ?? null),
    inputs: m.inputs.map((i) => ({ name: i.name, key: i.part ? `${i.key}/${i.part}` : i.key })),
    engine_version: m.engineVersion ?? ENGINE_VERSION
  };
}

/** A cached output, stored relative to its entry folder. */
interface MetaOutput {
  kind: StageOutput['kind'];
  file: string;
  rows: number | null;
  bytes: number | null;
}

export interface CacheMeta {
  format: typeof CACHE_FORMAT;
  version: typeof CACHE_VERSION;
  key: string;
  kind: StageKind;
  created_at: string;
  engine_version: string;
  /** Which run and stage produced it (for people; not part of the key). */
  produced_by: { run_id: string; stage: string };
  ingredients: KeyIngredients;
  outputs: Record<string, MetaOutput>;
  rows_in: number | null;
  rows_out: number | null;
  elapsed_ms: number;
  summary: Record<string, unknown>;
}

export type Lookup =
  | { status: 'hit'; meta: CacheMeta; outputs: Record<string, StageOutput> }
  | { status: 'missing' }
  | { status: 'corrupt'; reason: string };

export function entryDir(ws: Workspace, key: string): string {
  return path.join(ws.stagesDir, key);
}

/** Parquet files start and end with the magic 'PAR1': a cheap check that catches truncation. */
function parquetIntact(file: string, bytes: number | null): string | null {
  let fd: number | undefined;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return `${path.basename(file)} is not a file`;
    if (bytes !== null && st.size !== bytes) return `${path.basename(file)} has ${st.size} bytes, expected ${bytes}`;
    if (st.size < 12) return `${path.basename(file)} is too short to be Parquet`;
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    fs.readSync(fd, head, 0, 4, 0);
    fs.readSync(fd, tail, 0, 4, st.size - 4);
    if (head.toString('latin1') !== 'PAR1' || tail.toString('latin1') !== 'PAR1') return `${path.basename(file)} is not a complete Parquet file`;
    return null;
  } catch (e) {
    return `${path.basename(file)}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message}`;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export async function lookupStage(ws: Workspace, key: string): Promise<Lookup> {
  const dir = entryDir(ws, key);
  let text: string;
  try {
    text = await fsp.readFile(path.join(dir, 'meta.json'), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !fs.existsSync(dir)) return { status: 'missing' };
    return { status: 'corrupt', reason: `meta.json ${code === 'ENOENT' ? 'is missing' : `cannot be read (${(e as Error).message})`}` };
  }
  let meta: CacheMeta;
  try {
    meta = JSON.parse(text) as CacheMeta;
  } catch (e) {
    return { status: 'corrupt', reason: `meta.json is not valid JSON (${(e as Error).message})` };
  }
  if (meta?.format !== CACHE_FORMAT) return { status: 'corrupt', reason: 'meta.json is not a stage-cache entry' };
  if (meta.version !== CACHE_VERSION) return { status: 'corrupt', reason: `meta.json has cache format version ${meta.version}, this engine reads ${CACHE_VERSION}` };
  if (meta.key !== key) return { status: 'corrupt', reason: 'meta.json belongs to another key' };
  if (!meta.outputs || typeof meta.outputs !== 'object' || !Object.keys(meta.outputs).length) return { status: 'corrupt', reason: 'meta.json lists no outputs' };
  const outputs: Record<string, StageOutput> = {};
  for (const [part, o] of Object.entries(meta.outputs)) {
    const abs = path.join(dir, o.file);
    if (path.relative(dir, abs).startsWith('..')) return { status: 'corrupt', reason: `output ${part} points outside its entry` };
    if (o.kind === 'parquet') {
      const bad = parquetIntact(abs, o.bytes);
      if (bad) return { status: 'corrupt', reason: bad };
    } else if (!fs.existsSync(abs)) return { status: 'corrupt', reason: `${o.file} is missing` };
    outputs[part] = { kind: o.kind, path: abs, rows: o.rows, bytes: o.bytes };
  }
  return { status: 'hit', meta, outputs };
}

/** A fresh folder in which a stage writes its outputs before they become the entry `key`. */
export async function stagingDir(ws: Workspace, key: string): Promise<string> {
  const dir = path.join(ws.stagesDir, `.tmp-${key.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fsp.mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Turns a staging folder into the entry for `key`: writes meta.json, then renames the folder into
 * place. If another process committed the same key meanwhile, its (equivalent) entry is kept.
 * Returns the outputs at their final paths.
 */
export async function commitStage(
  ws: Workspace,
  key: string,
  staging: string,
  result: { outputs: Record<string, StageOutput>; rowsIn: number | null; rowsOut: number | null; summary: Record<string, unknown>; elapsedMs: number },
  info: { kind: StageKind; ingredients: KeyIngredients; runId: string; stage: string }
): Promise<Record<string, StageOutput>> {
  const outputs: Record<string, MetaOutput> = {};
  for (const [part, o] of Object.entries(result.outputs)) {
    const rel = path.relative(staging, o.path);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`stage output ${part} (${o.path}) is not inside the stage's output folder`);
    const bytes = o.bytes ?? (fs.statSync(o.path).isFile() ? fs.statSync(o.path).size : null);
    outputs[part] = { kind: o.kind, file: rel.split(path.sep).join('/'), rows: o.rows ?? null, bytes };
  }
  const meta: CacheMeta = {
    format: CACHE_FORMAT,
    version: CACHE_VERSION,
    key,
    kind: info.kind,
    created_at: new Date().toISOString(),
    engine_version: info.ingredients.engine_version,
    produced_by: { run_id: info.runId, stage: info.stage },
    ingredients: info.ingredients,
    outputs,
    rows_in: result.rowsIn,
    rows_out: result.rowsOut,
    elapsed_ms: result.elapsedMs,
    summary: result.summary
  };
  await writeJsonAtomic(path.join(staging, 'meta.json'), meta);
  const final = entryDir(ws, key);
  const existing = await lookupStage(ws, key);
  if (existing.status === 'hit') {
    await fsp.rm(staging, { recursive: true, force: true });
    return existing.outputs;
  }
  if (existing.status === 'corrupt') await fsp.rm(final, { recursive: true, force: true });
  try {
    await fsp.rename(staging, final);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    await fsp.rm(staging, { recursive: true, force: true }); // lost a race to an equal entry
  }
  const committed = await lookupStage(ws, key);
  if (committed.status !== 'hit') throw new Error(`stage cache entry ${key} is unreadable right after it was written: ${committed.status === 'corrupt' ? committed.reason : 'missing'}`);
  return committed.outputs;
}

/** Removes staging folders left by crashed processes (older than `maxAgeMs`). */
export async function sweepStaging(ws: Workspace, maxAgeMs = 24 * 3600_000): Promise<number> {
  let removed = 0;
  for (const name of await fsp.readdir(ws.stagesDir).catch(() => [] as string[])) {
    if (!name.startsWith('.tmp-')) continue;
    const p = path.join(ws.stagesDir, name);
    const st = await fsp.stat(p).catch(() => null);
    if (st && Date.now() - st.mtimeMs > maxAgeMs) {
      await fsp.rm(p, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
