/**
 * Which base models tunebench knows, by name. The source of truth for `tunebench models`, for
 * --model NAME, and for the pipeline checker's model facts (src/engine/facts.ts calls listModels).
 *
 * Three sources, in this order (the first entry of a name wins):
 *   1. registered:  `tunebench models add PATH [--name NAME]` stores the absolute path in
 *                   <workspace>/.tunebench/models/registry.json (weights are never copied);
 *   2. workspace:   model folders inside <workspace>/.tunebench/models/ (named by folder);
 *   3. env:         folders listed in TUNEBENCH_MODELS (colon-separated; relative to the
 *                   workspace); each is a model folder itself or contains model folders.
 * A model folder is a folder with a config.json.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../workspace.ts';
import { writeJsonAtomic } from '../util/atomic-write.ts';
import { isModelFolder, readModelFolder } from './folder.ts';
import { countParameters } from './specs.ts';

export type ModelSource = 'registered' | 'workspace' | 'env';

export interface ModelEntry {
  name: string;
  path: string;
  source: ModelSource;
  /** 'llama' | 'gpt2' when the folder loads; null otherwise (see error). */
  arch: string | null;
  /** config.json's model_type (llama, gpt2, qwen2, …), even when the folder does not load. */
  modelType: string | null;
  parameters: number | null;
  vocabSize: number | null;
  maxPositions: number | null;
  weightBytes: number | null;
  hasTokenizer: boolean;
  /** Why the folder cannot be used, if it cannot. */
  error: string | null;
}

interface RegistryFile {
  format: 1;
  models: Record<string, { path: string; added_at: string }>;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function registryPath(ws: Workspace): string {
  return path.join(ws.modelsDir, 'registry.json');
}

async function readRegistry(ws: Workspace): Promise<RegistryFile> {
  try {
    const j = JSON.parse(await fsp.readFile(registryPath(ws), 'utf8')) as RegistryFile;
    if (j.format !== 1 || typeof j.models !== 'object') throw new Error(`${registryPath(ws)}: unknown format`);
    return j;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { format: 1, models: {} };
    throw e;
  }
}

/** Describes one model folder; never throws (problems go to `error`). */
export function describeModel(name: string, dir: string, source: ModelSource): ModelEntry {
  const base: ModelEntry = { name, path: dir, source, arch: null, modelType: null, parameters: null, vocabSize: null, maxPositions: null, weightBytes: null, hasTokenizer: fs.existsSync(path.join(dir, 'tokenizer.json')), error: null };
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { model_type?: unknown };
    if (typeof raw.model_type === 'string') base.modelType = raw.model_type;
  } catch {
    // reported by readModelFolder below
  }
  try {
    const f = readModelFolder(dir);
    return { ...base, arch: f.config.arch, modelType: f.config.modelType, parameters: countParameters(f.config), vocabSize: f.config.vocabSize, maxPositions: f.config.maxPositions, weightBytes: f.weightBytes };
  } catch (e) {
    return { ...base, error: (e as Error).message };
  }
}

async function childModelFolders(dir: string): Promise<string[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() || e.isSymbolicLink())
    .map((e) => path.join(dir, e.name))
    .filter(isModelFolder)
    .sort();
}

/** TUNEBENCH_MODELS folders, resolved against the workspace root (or the current folder). */
export function envModelDirs(env: NodeJS.ProcessEnv, root: string): string[] {
  return (env.TUNEBENCH_MODELS ?? '')
    .split(':')
    .filter((d) => d.trim() !== '')
    .map((d) => path.resolve(root, d));
}

/** Every known model, registered first, then the workspace's, then TUNEBENCH_MODELS'. */
export async function listModels(ws: Workspace | null, env: NodeJS.ProcessEnv = process.env): Promise<ModelEntry[]> {
  const out: ModelEntry[] = [];
  const seen = new Set<string>();
  const add = (name: string, dir: string, source: ModelSource) => {
    if (seen.has(name)) return;
    seen.add(name);
    out.push(describeModel(name, dir, source));
  };
  if (ws) {
    const reg = await readRegistry(ws);
    for (const [name, e] of Object.entries(reg.models).sort(([a], [b]) => a.localeCompare(b))) add(name, e.path, 'registered');
    for (const d of await childModelFolders(ws.modelsDir)) add(path.basename(d), d, 'workspace');
  }
  for (const d of envModelDirs(env, ws?.root ?? process.cwd())) {
    if (isModelFolder(d)) add(path.basename(d), d, 'env');
    else for (const c of await childModelFolders(d)) add(path.basename(c), c, 'env');
  }
  return out;
}

/** Registers a model folder under `name` (default: the folder's name). Returns its entry. */
export async function registerModel(ws: Workspace, folder: string, name?: string): Promise<ModelEntry> {
  const dir = path.resolve(folder);
  if (!isModelFolder(dir)) throw new Error(`${dir} is not a model folder (no config.json)`);
  const n = name ?? path.basename(dir);
  if (!NAME_RE.test(n)) throw new Error(`model name '${n}' must start with a letter or digit and use only letters, digits, '.', '_' and '-'`);
  const entry = describeModel(n, dir, 'registered');
  if (entry.error) throw new Error(`cannot register ${dir}: ${entry.error}`);
  const reg = await readRegistry(ws);
  reg.models[n] = { path: dir, added_at: new Date().toISOString() };
  await writeJsonAtomic(registryPath(ws), reg);
  return entry;
}

function nearest(name: string, names: string[]): string[] {
  const lower = name.toLowerCase();
  return names.filter((n) => n.toLowerCase().includes(lower) || lower.includes(n.toLowerCase())).slice(0, 3);
}

/**
 * Resolves --model: an existing model folder path, or a known model name. `ws` may be null when
 * no workspace is open (then only paths and TUNEBENCH_MODELS names resolve).
 */
export async function resolveModel(ref: string, ws: Workspace | null, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const asPath = path.resolve(ref); // a path is relative to where the user is, not the workspace
  if (fs.existsSync(asPath) && fs.statSync(asPath).isDirectory()) {
    if (!isModelFolder(asPath)) throw new Error(`${asPath} is not a model folder (no config.json)`);
    return asPath;
  }
  const models = await listModels(ws, env);
  const hit = models.find((m) => m.name === ref);
  if (hit) return hit.path;
  const names = models.map((m) => m.name);
  const near = nearest(ref, names);
  throw new Error(`unknown model '${ref}': not a folder and not a known model name${near.length ? ` (did you mean ${near.map((x) => `'${x}'`).join(' or ')}?)` : names.length ? ` (known: ${names.join(', ')})` : ' (no models registered; see tunebench models add)'}`);
}
