import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../workspace.ts';
import { generationKey, KEYS_FILE, LOG_FILE, openGenerationLog, type LogLine } from './generation-log.ts';

const roots: string[] = [];
async function ws(): Promise<Workspace> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-genlog-'));
  roots.push(root);
  return openWorkspace(root, { create: true });
}
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

const line = (key: string, index: number, output: string): LogLine => ({ key, model: 'm', index, conversation_id: `c${index}`, output, finish_reason: 'stop', prompt_tokens: 3, output_tokens: 2, prompt_truncated: false });
const settings = { max_tokens: 8, temperature: 0, top_p: 1, top_k: 0, seed: 1, stop: [], batch_size: 2 };

describe('generation log', () => {
  it('keys outputs by what decides them, not by metrics or labels', () => {
    const k = generationKey({ dataKey: 'd', modelIdentity: 'model:x', generation: settings, maxExamples: null });
    expect(generationKey({ dataKey: 'd', modelIdentity: 'model:x', generation: { ...settings }, maxExamples: null })).toBe(k);
    expect(generationKey({ dataKey: 'd', modelIdentity: 'model:y', generation: settings, maxExamples: null })).not.toBe(k);
    expect(generationKey({ dataKey: 'd', modelIdentity: 'model:x', generation: { ...settings, max_tokens: 9 }, maxExamples: null })).not.toBe(k);
    expect(generationKey({ dataKey: 'd', modelIdentity: 'model:x', generation: settings, maxExamples: 5 })).not.toBe(k);
  });

  it("adopts an earlier run's finished lines (first line per example wins, a torn last line is skipped) and copies them in", async () => {
    const w = await ws();
    const earlier = path.join(w.runsDir, '20260101-000000-aaaaaa', 'eval', 'eval');
    fs.mkdirSync(earlier, { recursive: true });
    fs.writeFileSync(path.join(earlier, KEYS_FILE), JSON.stringify({ keys: { base: 'K1', other: 'K9' } }));
    fs.writeFileSync(
      path.join(earlier, LOG_FILE),
      [line('K1', 0, 'zero'), line('K1', 1, 'one'), line('K9', 0, 'not ours'), line('K1', 1, 'one again')].map((l) => JSON.stringify(l)).join('\n') + '\n' + JSON.stringify(line('K1', 2, 'torn')).slice(0, 30)
    );
    const dir = path.join(w.runsDir, '20260102-000000-bbbbbb', 'eval', 'eval');
    const log = await openGenerationLog(w, '20260102-000000-bbbbbb', dir, 'eval', { base: 'K1', tuned: 'K2' });
    expect([...log.finished.get('K1')!.entries()].map(([i, r]) => [i, r.output])).toEqual([
      [0, 'zero'],
      [1, 'one']
    ]);
    expect(log.finished.has('K9')).toBe(false);
    expect(log.adopted).toEqual([{ run_id: '20260101-000000-aaaaaa', stage: 'eval', lines: 2 }]);
    const own = fs.readFileSync(path.join(dir, LOG_FILE), 'utf8').trim().split('\n');
    expect(own).toHaveLength(2);
    log.append([line('K2', 0, 'new')]);
    const again = await openGenerationLog(w, '20260102-000000-bbbbbb', dir, 'eval', { base: 'K1', tuned: 'K2' });
    expect(again.finished.get('K2')!.get(0)!.output).toBe('new');
    expect(fs.readFileSync(path.join(dir, LOG_FILE), 'utf8').trim().split('\n')).toHaveLength(3); // nothing copied twice
  });
});
