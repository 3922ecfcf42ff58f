/** The data commands through the CLI entry point: output, exit codes, --workspace. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/command.ts';
import { describeShared, shared } from '../support/shared.ts';
import { REPO_ROOT } from '../support/shared.ts';
import { tempDir, writeFile } from './helpers.ts';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false };
  const code = await main(argv, io, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('tunebench import / validate / sql / stats', () => {
  let ws: string;
  beforeAll(() => {
    ws = tempDir();
  });

  it('imports the sample and prints the row count; a re-import says unchanged', async () => {
    const r = await run('--workspace', ws, 'import', path.join(REPO_ROOT, 'datasets', 'support.jsonl'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^support v1: 200 rows imported from support\.jsonl/);
    expect((await run('--workspace', ws, 'import', path.join(REPO_ROOT, 'datasets', 'support.jsonl'))).out).toMatch(/support is unchanged/);
    const csv = await run('--workspace', ws, 'import', path.join(REPO_ROOT, 'datasets', 'support_tickets.csv'), '--map', 'user=question,assistant=answer,intent=category,style=tone', '--name', 'tickets');
    expect([csv.code, csv.out]).toEqual([0, expect.stringMatching(/^tickets v1: 40 rows/)]);
  });

  it('runs the README query and the --json / --csv outputs', async () => {
    const t = await run('--workspace', ws, 'sql', 'select intent, count(*) as n from support group by 1 order by 1');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/│ intent +│ n +│/);
    expect(t.out).toMatch(/│ billing +│ +40 │/);
    const j = await run('--workspace', ws, 'sql', 'select intent, count(*) as n from support group by 1 order by 1', '--json');
    expect(JSON.parse(j.out)).toEqual(['account', 'billing', 'returns', 'shipping', 'technical'].map((intent) => ({ intent, n: 40 })));
    const c = await run('--workspace', ws, 'sql', "select role, count(*) as n from messages where dataset = 'support' group by 1 order by 1", '--csv');
    expect(c.out.split('\n')[0]).toBe('role,n');
    const denied = await run('--workspace', ws, 'sql', "select * from read_csv('/etc/passwd')");
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/access denied/);
    const save = await run('--workspace', ws, 'sql', "select * from support where intent = 'billing'", '--save', 'billing');
    expect([save.code, save.out]).toEqual([0, 'billing v1: 40 rows saved from the query']);
  });

  it('shows stats', async () => {
    const s = await run('--workspace', ws, 'stats', 'support');
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/^support v1: 200 conversations/);
    expect(s.out).toMatch(/intent: 5 distinct values/);
    const j = JSON.parse((await run('--workspace', ws, 'stats', 'support', '--json')).out);
    expect(j.metadata.map((m: { column: string }) => m.column)).toEqual(['intent', 'style']);
  });

  it('validate reports file:line:column, path and hint, and exits 1 on errors', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'bad.jsonl', '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n{"messages": [{"role": "user", "content": "hi",}]}\n');
    const r = await run('validate', file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('bad.jsonl:2:47  messages[0].content');
    expect(r.out).toMatch(/json_trailing_comma ×1/);
    expect(r.out).toMatch(/hint: remove the comma/);
    const j = JSON.parse((await run('validate', file, '--json')).out);
    expect(j.findings.find((f: { code: string }) => f.code === 'json_trailing_comma')).toMatchObject({ severity: 'error', file: 'bad.jsonl', line: 2, column: 47 });
    expect((await run('validate', path.join(REPO_ROOT, 'datasets', 'support_zh.json'))).code).toBe(0);
    expect((await run('validate', file, '--format', 'yaml')).code).toBe(2);
  });

  it('import fails with exit 1 and imports the rest with --skip-invalid', async () => {
    const dir = tempDir();
    const good = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}';
    const file = writeFile(dir, 'mixed.jsonl', `${good}\n{"prompt": "a", "completion": "b"}\n${good}\n`);
    const r = await run('--workspace', ws, 'import', file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/was not imported: 1 record with errors/);
    expect(r.err).toMatch(/mixed\.jsonl:2:1 {2}messages/);
    const s = await run('--workspace', ws, 'import', file, '--skip-invalid');
    expect([s.code, s.out]).toEqual([0, expect.stringMatching(/^mixed v1: 2 rows imported from mixed\.jsonl, 1 invalid record skipped/)]);
    expect(s.err).toMatch(/skipped lines: 2/);
  });
});

describeShared('validate on a big bad file stays readable', () => {
  it('groups and limits findings per code', async () => {
    const r = await run('validate', shared('datasets', 'bad', 'huge_single_line.jsonl'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/huge_single_line\.jsonl:2 *\n +the line is 5\.1 MB, over the 1\.0 MB limit/);
    expect(r.out.length).toBeLessThan(3000);
  });
});
