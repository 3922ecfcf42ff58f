/**
 * `tunebench check FILE` end to end: a real workspace folder, a real dataset file, model folders
 * through TUNEBENCH_MODELS, and DuckDB judging the sql snippet.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capture } from '../support/cli.ts';
import { main } from '../../src/cli/main.ts';

function workspace(pipeline: string): { root: string; file: string; env: NodeJS.ProcessEnv } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-check-'));
  fs.mkdirSync(path.join(root, 'datasets'));
  fs.mkdirSync(path.join(root, 'pipelines'));
  const rec = (u: string, a: string, intent: string) => JSON.stringify({ messages: [{ role: 'user', content: u }, { role: 'assistant', content: a }], intent, style: 'formal' });
  fs.writeFileSync(path.join(root, 'datasets', 'desk.jsonl'), [rec('Where is my parcel?', 'It ships today.', 'shipping'), rec('Refund please', 'Done.', 'billing')].join('\n') + '\n');
  const models = path.join(root, 'models');
  fs.mkdirSync(path.join(models, 'tiny'), { recursive: true });
  fs.writeFileSync(path.join(models, 'tiny', 'config.json'), JSON.stringify({ model_type: 'llama' }));
  const file = path.join(root, 'pipelines', 'p.ftp');
  fs.writeFileSync(file, pipeline);
  return { root, file, env: { ...process.env, TUNEBENCH_MODELS: models } };
}

const GOOD = `pipeline desk
dataset d from "datasets/desk.jsonl" format openai
stage clean from d {
  filter turns >= 1 and style = "formal"
  filter sql "length(user_text) > 3"
}
split clean into tr 50%, te 50% stratify intent
train m from tr { base "tiny" epochs 1 }
eval [base, m] on te { metrics rougeL }
`;

describe('tunebench check', () => {
  it('exits 0 on a good pipeline and says so', async () => {
    const w = workspace(GOOD);
    const io = capture();
    expect(await main(['--workspace', w.root, 'check', w.file], io, w.env)).toBe(0);
    expect(io.stdout).toMatch(/ok — pipeline desk, 5 statements/);
  });

  it('renders every error with the source line and a caret, and exits 1', async () => {
    const bad = GOOD.replace('style = "formal"', 'styel = "formal"').replace('length(user_text) > 3', 'length(user_txt) > 3').replace('base "tiny"', 'base "tniy"');
    const w = workspace(bad);
    const io = capture();
    expect(await main(['--workspace', w.root, 'check', w.file], io, w.env)).toBe(1);
    expect(io.stdout).toContain(`${w.file}:4:25 error[E021]: unknown column 'styel' in d`);
    expect(io.stdout).toContain(`4 |   filter turns >= 1 and styel = "formal"\n  | ${' '.repeat(24)}^^^^^\n`);
    expect(io.stdout).toContain("help: did you mean 'style'?");
    expect(io.stdout).toMatch(/5:22 error\[E029\]: DuckDB rejects this SQL: .*user_txt/);
    expect(io.stdout).toMatch(/8:24 error\[E050\]: unknown base model 'tniy'\n[\s\S]*help: did you mean 'tiny'\?/);
    expect(io.stdout).toMatch(/3 errors, 0 warnings/);
  });

  it('--json gives positions, codes and help', async () => {
    const w = workspace(GOOD.replace('turns >= 1', 'turn >= 1'));
    const io = capture();
    expect(await main(['--workspace', w.root, 'check', w.file, '--json'], io, w.env)).toBe(1);
    const out = JSON.parse(io.stdout);
    expect(out.ok).toBe(false);
    expect(out.diagnostics).toEqual([expect.objectContaining({ code: 'E021', severity: 'error', line: 4, column: 10, end_line: 4, end_column: 14, help: expect.arrayContaining(["did you mean 'turns'?"]) })]);
  });

  it('a missing file is a usage error', async () => {
    const io = capture();
    const w = workspace(GOOD);
    expect(await main(['--workspace', w.root, 'check', path.join(w.root, 'nope.ftp')], io, w.env)).toBe(2);
    expect(io.stderr).toMatch(/cannot read .*nope\.ftp: no such file/);
  });
});
