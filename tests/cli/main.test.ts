import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.ts';
import { capture } from '../support/cli.ts';

describe('tunebench CLI frame', () => {
  it('lists the commands and exits 2 without a command', async () => {
    const io = capture();
    expect(await main([], io)).toBe(2);
    expect(io.stdout).toMatch(/Commands:/);
    expect(io.stdout).toMatch(/datasets/);
  });

  it('names an unknown command and suggests a near one', async () => {
    const io = capture();
    expect(await main(['datasts'], io)).toBe(2);
    expect(io.stderr).toMatch(/unknown command 'datasts' \(did you mean 'datasets'/);
  });

  it('rejects an unknown flag with the usage text', async () => {
    const io = capture();
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-cli-'));
    expect(await main(['datasets', '--bogus', '--workspace', ws], io)).toBe(2);
    expect(io.stderr).toMatch(/--bogus/);
    expect(io.stderr).toMatch(/Usage: tunebench datasets/);
  });

  it('creates the workspace named by --workspace on first use', async () => {
    const io = capture();
    const ws = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tb-cli-')), 'new-ws');
    expect(await main(['--workspace', ws, 'datasets', '--json'], io)).toBe(0);
    expect(JSON.parse(io.stdout)).toEqual([]);
    const meta = JSON.parse(fs.readFileSync(path.join(ws, '.tunebench', 'workspace.json'), 'utf8'));
    expect(meta.format).toBe(1);
  });
});

describe('the command list', () => {
  it('loads, for every entry, a command module of the same name with its usage', async () => {
    const { commands } = await import('../../src/cli/commands/index.ts');
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
    for (const entry of commands) {
      const command = await entry.load();
      expect(command.name).toBe(entry.name);
      expect(command.usage).toMatch(new RegExp(`tunebench ${entry.name}\\b`));
      expect(entry.summary.length).toBeGreaterThan(10);
    }
  });
});
