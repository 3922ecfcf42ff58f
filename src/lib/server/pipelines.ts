/**
 * The workspace's pipelines/ folder as files: list, read, create, save, rename, delete. A
 * pipeline's name is its file name without `.ftp`: letters, digits, `_` and `-` (no dots, no
 * slashes), so every path stays inside pipelines/; a name that is a symbolic link out of the
 * folder is refused too. Writes are atomic (temp file + rename); create and rename never replace
 * an existing file (hard link, then unlink); save refuses to overwrite changes made on disk since
 * the editor loaded the file (its content hash), unless told to.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../../engine/workspace.ts';
import { tempPathFor, writeFileAtomic } from '../../engine/util/atomic-write.ts';
import { ApiFailure } from './api-error.ts';
import type { PipelineFile, PipelineListItem } from '$lib/pipelines';

export const PIPELINE_EXT = '.ftp';
export const MAX_PIPELINE_BYTES = 1024 * 1024;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Why `name` cannot name a pipeline file, or null. */
export function pipelineNameError(name: unknown): string | null {
  if (typeof name !== 'string' || !name) return 'give the pipeline a name';
  if (!NAME_RE.test(name)) return `'${name}' is not a pipeline name: use letters, digits, _ and - (at most 64, starting with a letter or digit; no dots or slashes)`;
  return null;
}

function checkName(name: unknown, field = 'name'): string {
  const bad = pipelineNameError(name);
  if (bad) throw new ApiFailure(400, 'bad_pipeline_name', bad, { field });
  return name as string;
}

export function pipelinePath(ws: Workspace, name: string): string {
  return path.join(ws.pipelinesDir, `${checkName(name)}${PIPELINE_EXT}`);
}

export function contentHash(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 16);
}

/** Refuses a file that resolves outside pipelines/ (a symbolic link pointing away). */
async function insideFolder(ws: Workspace, file: string): Promise<void> {
  const real = await fsp.realpath(file).catch(() => null);
  if (!real) return;
  const dir = await fsp.realpath(ws.pipelinesDir).catch(() => ws.pipelinesDir);
  const rel = path.relative(dir, real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new ApiFailure(403, 'outside_pipelines', `${path.basename(file)} points outside the pipelines folder; tunebench only edits files inside it`);
}

function notFound(name: string): ApiFailure {
  return new ApiFailure(404, 'pipeline_not_found', `no pipeline '${name}' (looked for pipelines/${name}${PIPELINE_EXT})`);
}

function checkSource(source: unknown): string {
  if (typeof source !== 'string') throw new ApiFailure(400, 'missing_source', 'send the pipeline text: { "source": "pipeline …" }', { field: 'source' });
  if (Buffer.byteLength(source) > MAX_PIPELINE_BYTES) throw new ApiFailure(413, 'pipeline_too_large', `a pipeline file is at most ${MAX_PIPELINE_BYTES / 1024} KB`);
  return source;
}

/** The `pipeline NAME "description"` line and the comment block before it, read cheaply. */
export function describeSource(source: string): { title: string | null; description: string | null; comment: string | null } {
  const m = /^[ \t]*pipeline[ \t]+([A-Za-z_][A-Za-z0-9_]*|`[^`\n]*`)(?:[ \t]+"((?:[^"\\\n]|\\.)*)")?/m.exec(source);
  const lead: string[] = [];
  for (const line of source.split(/\r?\n/)) {
    if (/^\s*#/.test(line)) lead.push(line.replace(/^\s*#\s?/, ''));
    else if (line.trim() || lead.length) break;
  }
  return { title: m ? m[1].replace(/^`|`$/g, '') : null, description: m?.[2] ?? null, comment: lead.length ? lead.join(' ').trim() : null };
}

export async function listPipelines(ws: Workspace): Promise<PipelineListItem[]> {
  const entries = await fsp.readdir(ws.pipelinesDir, { withFileTypes: true }).catch(() => [] as fs.Dirent[]);
  const out: PipelineListItem[] = [];
  for (const e of entries) {
    if (!e.name.endsWith(PIPELINE_EXT) || (!e.isFile() && !e.isSymbolicLink())) continue;
    const name = e.name.slice(0, -PIPELINE_EXT.length);
    if (pipelineNameError(name)) continue;
    const file = path.join(ws.pipelinesDir, e.name);
    const st = await fsp.stat(file).catch(() => null);
    if (!st?.isFile()) continue;
    const head = await readHead(file);
    out.push({ name, file: `pipelines/${e.name}`, bytes: st.size, modified: st.mtime.toISOString(), ...describeSource(head) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

async function readHead(file: string, bytes = 4096): Promise<string> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

export async function readPipeline(ws: Workspace, name: string): Promise<PipelineFile> {
  const file = pipelinePath(ws, name);
  await insideFolder(ws, file);
  let source: string;
  let st: fs.Stats;
  try {
    [source, st] = await Promise.all([fsp.readFile(file, 'utf8'), fsp.stat(file)]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(name);
    throw e;
  }
  return { name, file: `pipelines/${name}${PIPELINE_EXT}`, source, hash: contentHash(source), modified: st.mtime.toISOString() };
}

/** Writes `target` only if nothing is there yet: a hard link of a finished temp file. */
async function writeNew(target: string, data: string): Promise<void> {
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  await fsp.writeFile(tmp, data);
  try {
    await fsp.link(tmp, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ApiFailure(409, 'pipeline_exists', `pipelines/${path.basename(target)} already exists; choose another name`, { field: 'name' });
    throw e;
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

export async function createPipeline(ws: Workspace, name: string, source: unknown): Promise<PipelineFile> {
  const file = pipelinePath(ws, name);
  await writeNew(file, checkSource(source));
  return readPipeline(ws, name);
}

/**
 * Saves over an existing pipeline. `baseHash` is the hash the editor loaded: if the file changed
 * on disk since (another editor, a `git pull`), the save is refused with 409 unless `force`.
 */
export async function savePipeline(ws: Workspace, name: string, source: unknown, opts: { baseHash?: string | null; force?: boolean } = {}): Promise<PipelineFile> {
  const text = checkSource(source);
  const file = pipelinePath(ws, name);
  await insideFolder(ws, file);
  if (!opts.force && opts.baseHash) {
    const now = await fsp.readFile(file, 'utf8').catch(() => null);
    if (now === null) throw notFound(name);
    if (contentHash(now) !== opts.baseHash) throw new ApiFailure(409, 'changed_on_disk', `pipelines/${name}${PIPELINE_EXT} changed on disk since you opened it; reload it, or save again to overwrite`, { hash: contentHash(now) });
  }
  await writeFileAtomic(file, text);
  return readPipeline(ws, name);
}

export async function renamePipeline(ws: Workspace, from: string, to: string): Promise<PipelineFile> {
  const src = pipelinePath(ws, from);
  const dst = path.join(ws.pipelinesDir, `${checkName(to, 'to')}${PIPELINE_EXT}`);
  await insideFolder(ws, src);
  if (from === to) return readPipeline(ws, from);
  try {
    await fsp.link(src, dst);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw notFound(from);
    if (code === 'EEXIST') throw new ApiFailure(409, 'pipeline_exists', `pipelines/${to}${PIPELINE_EXT} already exists; choose another name`, { field: 'to' });
    throw e;
  }
  await fsp.unlink(src);
  return readPipeline(ws, to);
}

export async function deletePipeline(ws: Workspace, name: string): Promise<void> {
  const file = pipelinePath(ws, name);
  await insideFolder(ws, file);
  try {
    await fsp.unlink(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(name);
    throw e;
  }
}
