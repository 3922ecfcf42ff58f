/**
 * `tunebench feedback` and `tunebench feedback export`: playground feedback saved in a workspace
 * becomes the datasets feedback_sft and feedback_pairs (real imports, lineage 'feedback'), and an
 * unchanged export is the same version.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openWorkspace } from '../../src/engine/workspace.ts';
import { readCatalog } from '../../src/engine/data/catalog.ts';
import { parseFeedback, saveFeedback } from '../../src/engine/api/feedback/store.ts';
import { REPO_ROOT } from '../support/shared.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tunebench-feedback-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const cli = (...args: string[]) => execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'tunebench.js'), '--workspace', root, ...args], { encoding: 'utf8' });

it('exports saved feedback as datasets with feedback lineage', async () => {
  const ws = await openWorkspace(root, { create: true });
  const messages = [{ role: 'user', content: 'Where is my refund?' }];
  const a = saveFeedback(ws, parseFeedback({ model: 'm1', messages, answer: 'It was sent today.', rating: 'up' }));
  saveFeedback(ws, parseFeedback({ model: 'm2', messages, answer: 'no', rating: 'down' }));
  // A changed rating is a new line for the same id; the newest wins.
  saveFeedback(ws, parseFeedback({ id: a.id, model: 'm1', messages, answer: 'It was sent today.', rating: 'up', edited: 'Your refund was sent today.' }));

  expect(JSON.parse(cli('feedback', '--json'))).toEqual({ answers: 2, up: 1, down: 1, edited: 1, by_model: { m1: 1, m2: 1 } });
  const r = JSON.parse(cli('feedback', 'export', '--json')) as { entries: number; datasets: { name: string; version: number; rows: number; status: string }[] };
  expect(r.entries).toBe(2);
  expect(r.datasets).toEqual([
    { name: 'feedback_sft', version: 1, rows: 1, status: 'created' },
    { name: 'feedback_pairs', version: 1, rows: 2, status: 'created' }
  ]);
  const cat = await readCatalog(ws);
  expect(cat.datasets.feedback_sft.versions[0].lineage).toEqual({ kind: 'feedback', source: '.tunebench/feedback/feedback.jsonl' });
  expect(cat.datasets.feedback_pairs.versions[0].columns.map((c) => c.name)).toContain('rejected');
  const again = JSON.parse(cli('feedback', 'export', '--json')) as { datasets: { status: string; version: number }[] };
  expect(again.datasets.map((d) => [d.status, d.version])).toEqual([
    ['unchanged', 1],
    ['unchanged', 1]
  ]);
}, 60_000);
