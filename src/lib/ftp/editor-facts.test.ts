import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, parse } from '../../../dsl/index.ts';
import { gatherFacts } from '../../engine/facts.ts';
import { importDataset } from '../../engine/data/import.ts';
import { openWorkspace } from '../../engine/workspace.ts';
import { editorFacts } from '../server/editor-facts.ts';
import { answerLocally } from './editor-facts.ts';

describe('browser-side facts', () => {
  it('answer dataset needs exactly as the server would, and leave files and SQL to it', async () => {
    const ws = await openWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), 'tb-facts-')), { create: true });
    const src = path.join(ws.root, 'support.jsonl');
    const rec = (i: number, extra: Record<string, string>) => JSON.stringify({ messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: `a${i}` }], ...extra });
    fs.writeFileSync(src, `${rec(1, { intent: 'x' })}\n${rec(2, { intent: 'y' })}\n`);
    await importDataset(ws, src, { name: 'support', workers: 1 });
    fs.writeFileSync(src, `${rec(1, { style: 'formal' })}\n`);
    await importDataset(ws, src, { name: 'support', workers: 1 });

    const text = `pipeline p
dataset a from workspace support
dataset b from workspace support@1
dataset c from workspace support@7
dataset d from workspace nope
dataset e from "support.jsonl"
stage s from a {
  filter sql "length(user_text) > 1"
}
`;
    const { needs } = check(parse(text), {});
    expect(needs.datasets.map((n) => n.key)).toEqual(['support', 'support@1', 'support@7', 'nope']);
    const { facts, missing } = answerLocally(needs, await editorFacts(ws), {});
    const server = await gatherFacts(ws, needs, {});
    expect(facts.datasets).toEqual(server.datasets);
    expect(missing.files.map((f) => f.key)).toEqual(needs.files.map((f) => f.key));
    expect(missing.datasets).toEqual([]);
    // With the local facts the checker gets to the SQL snippet, which only the server can judge.
    const again = check(parse(text), { ...facts, files: server.files });
    expect(again.needs.sql.length).toBe(1);
    expect(answerLocally(again.needs, await editorFacts(ws), {}).missing.sql.length).toBe(1);
  });
});
