import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../engine/workspace.ts';
import { ApiFailure } from './api-error.ts';
import { contentHash, createPipeline, deletePipeline, describeSource, listPipelines, pipelineNameError, pipelinePath, readPipeline, renamePipeline, savePipeline } from './pipelines.ts';

const failure = (status: number, code: string) => (e: unknown) => e instanceof ApiFailure && e.status === status && e.code === code;

let ws: Workspace;
beforeEach(async () => {
  ws = await openWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), 'tb-pipelines-')), { create: true });
});

describe('pipeline files', () => {
  it('refuses names that could leave the pipelines folder', () => {
    for (const bad of ['../x', 'a/b', 'a\\b', '.hidden', 'x.ftp', '..', '', '-x', 'a'.repeat(65), 'é']) {
      expect(pipelineNameError(bad), bad).not.toBeNull();
      expect(() => pipelinePath(ws, bad)).toThrow(ApiFailure);
    }
    for (const good of ['support', 'support-lora', 'v2_final', '2024-run']) {
      expect(pipelineNameError(good)).toBeNull();
      expect(path.dirname(pipelinePath(ws, good))).toBe(ws.pipelinesDir);
    }
  });

  it('creates, lists, reads and refuses to create over an existing file', async () => {
    const src = '# Cleans tickets.\n# Second line.\npipeline clean "Clean the desk"\n';
    const p = await createPipeline(ws, 'clean', src);
    expect(p).toMatchObject({ name: 'clean', file: 'pipelines/clean.ftp', source: src, hash: contentHash(src) });
    expect(fs.readFileSync(path.join(ws.pipelinesDir, 'clean.ftp'), 'utf8')).toBe(src);
    await expect(createPipeline(ws, 'clean', 'other')).rejects.toSatisfy(failure(409, 'pipeline_exists'));
    expect(fs.readFileSync(path.join(ws.pipelinesDir, 'clean.ftp'), 'utf8')).toBe(src);
    fs.writeFileSync(path.join(ws.pipelinesDir, 'notes.txt'), 'not a pipeline');
    fs.writeFileSync(path.join(ws.pipelinesDir, 'bad name.ftp'), 'skipped: not a valid name');
    const list = await listPipelines(ws);
    expect(list.map((x) => x.name)).toEqual(['clean']);
    expect(list[0]).toMatchObject({ title: 'clean', description: 'Clean the desk', comment: 'Cleans tickets. Second line.' });
    await expect(readPipeline(ws, 'missing')).rejects.toSatisfy(failure(404, 'pipeline_not_found'));
  });

  it('saves atomically, and refuses to overwrite a file changed on disk since it was opened', async () => {
    const first = await createPipeline(ws, 'p', 'pipeline a\n');
    const saved = await savePipeline(ws, 'p', 'pipeline b\n', { baseHash: first.hash });
    expect(saved.source).toBe('pipeline b\n');
    // Someone else edits the file; a save based on the old hash is refused and changes nothing.
    fs.writeFileSync(path.join(ws.pipelinesDir, 'p.ftp'), 'pipeline c\n');
    await expect(savePipeline(ws, 'p', 'pipeline d\n', { baseHash: saved.hash })).rejects.toSatisfy(failure(409, 'changed_on_disk'));
    expect(fs.readFileSync(path.join(ws.pipelinesDir, 'p.ftp'), 'utf8')).toBe('pipeline c\n');
    await savePipeline(ws, 'p', 'pipeline d\n', { baseHash: saved.hash, force: true });
    expect(fs.readFileSync(path.join(ws.pipelinesDir, 'p.ftp'), 'utf8')).toBe('pipeline d\n');
    expect(fs.readdirSync(ws.pipelinesDir)).toEqual(['p.ftp']); // no temp files left
    await expect(savePipeline(ws, 'p', 42)).rejects.toSatisfy(failure(400, 'missing_source'));
  });

  it('renames without replacing, and deletes', async () => {
    await createPipeline(ws, 'a', 'pipeline a\n');
    await createPipeline(ws, 'b', 'pipeline b\n');
    await expect(renamePipeline(ws, 'a', 'b')).rejects.toSatisfy(failure(409, 'pipeline_exists'));
    await expect(renamePipeline(ws, 'a', '../b')).rejects.toSatisfy(failure(400, 'bad_pipeline_name'));
    const r = await renamePipeline(ws, 'a', 'c');
    expect(r.source).toBe('pipeline a\n');
    expect(fs.readdirSync(ws.pipelinesDir).sort()).toEqual(['b.ftp', 'c.ftp']);
    await deletePipeline(ws, 'c');
    expect(fs.readdirSync(ws.pipelinesDir)).toEqual(['b.ftp']);
    await expect(deletePipeline(ws, 'c')).rejects.toSatisfy(failure(404, 'pipeline_not_found'));
  });

  it('will not follow a symbolic link out of the folder', async () => {
    const outside = path.join(ws.root, 'secret.ftp');
    fs.writeFileSync(outside, 'pipeline secret\n');
    fs.mkdirSync(ws.pipelinesDir, { recursive: true });
    fs.symlinkSync(outside, path.join(ws.pipelinesDir, 'link.ftp'));
    await expect(readPipeline(ws, 'link')).rejects.toSatisfy(failure(403, 'outside_pipelines'));
    await expect(savePipeline(ws, 'link', 'pipeline overwritten\n')).rejects.toSatisfy(failure(403, 'outside_pipelines'));
    await expect(deletePipeline(ws, 'link')).rejects.toSatisfy(failure(403, 'outside_pipelines'));
    expect(fs.readFileSync(outside, 'utf8')).toBe('pipeline secret\n');
  });

  it('reads the pipeline line and leading comment cheaply', () => {
    expect(describeSource('pipeline `odd name`\n')).toEqual({ title: 'odd name', description: null, comment: null });
    expect(describeSource('\n# one\n\npipeline x "d \\" q"')).toEqual({ title: 'x', description: 'd \\" q', comment: 'one' });
  });
});
