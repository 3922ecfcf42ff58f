/** Dataset statistics checked against numbers computed here from the fixture itself. */
import { beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../src/engine/data/import.ts';
import { datasetStats } from '../../src/engine/data/stats.ts';
import type { Workspace } from '../../src/engine/workspace.ts';
import { tempDir, tempWorkspace, writeFile } from './helpers.ts';

type M = { role: string; content: string; weight?: number };
const conv = (msgs: M[], intent: string) => JSON.stringify({ messages: msgs, intent });

describe('datasetStats', () => {
  let ws: Workspace;
  const rows: { msgs: M[]; intent: string }[] = [];
  beforeAll(async () => {
    ws = await tempWorkspace();
    for (let i = 0; i < 30; i++) {
      const msgs: M[] = [{ role: 'system', content: 'Sys' }];
      for (let t = 0; t <= i % 3; t++) msgs.push({ role: 'user', content: `q${i}`.repeat(t + 1) }, { role: 'assistant', content: `answer ${i}`, ...(i === 5 ? { weight: 0 } : {}) });
      rows.push({ msgs, intent: ['billing', 'shipping', 'returns'][i % 3 === 0 ? 0 : i % 5 === 0 ? 2 : 1] });
    }
    rows.push(rows[3], rows[3], rows[7]); // three exact duplicates in two groups
    await importDataset(ws, writeFile(tempDir(), 'st.jsonl', rows.map((r) => conv(r.msgs, r.intent)).join('\n') + '\n'));
  });

  it('counts messages by role, turns, chars, duplicates, metadata and weights', async () => {
    const s = await datasetStats(ws, 'st');
    expect(s.rows).toBe(33);
    const all = rows.flatMap((r) => r.msgs);
    const count = (role: string) => all.filter((x) => x.role === role).length;
    expect(Object.fromEntries(s.byRole.map((r) => [r.role, r.messages]))).toEqual({ system: count('system'), user: count('user'), assistant: count('assistant') });
    const turns = rows.map((r) => r.msgs.length - 1).sort((a, b) => a - b);
    expect([s.turns.min, s.turns.max, s.turns.median]).toEqual([turns[0], turns[turns.length - 1], turns[16]]);
    expect(s.turns.mean).toBeCloseTo(turns.reduce((a, b) => a + b, 0) / turns.length, 2);
    expect(s.turns.bins.reduce((a, b) => a + b.count, 0)).toBe(33);
    const chars = rows.map((r) => r.msgs.reduce((a, m) => a + m.content.length, 0));
    expect([s.chars.min, s.chars.max]).toEqual([Math.min(...chars), Math.max(...chars)]);
    expect(s.chars.bins.reduce((a, b) => a + b.count, 0)).toBe(33);
    expect(s.duplicates).toMatchObject({ rows: 3, groups: 2 });
    expect(s.duplicates.examples[0]).toMatchObject({ count: 3, lines: [4, 31, 32] });
    const intents = Object.fromEntries(s.metadata.find((m) => m.column === 'intent')!.top.map((t) => [t.value, t.count]));
    const expectedIntents: Record<string, number> = {};
    for (const r of rows) expectedIntents[r.intent] = (expectedIntents[r.intent] ?? 0) + 1;
    expect(intents).toEqual(expectedIntents);
    expect(s.weights.untrainableConversations).toBe(1);
    expect(s.weights.trainedMessages).toBe(all.filter((x) => x.role === 'assistant' && x.weight !== 0).length);
    expect(s.weights.byRoleAndWeight).toContainEqual({ role: 'assistant', weight: 0, messages: 3 });
  });

  it('names what exists when the dataset is unknown', async () => {
    await expect(datasetStats(ws, 'nope')).rejects.toThrow(/no dataset named 'nope' \(datasets: st\)/);
    await expect(datasetStats(ws, 'st@9')).rejects.toThrow(/has no version 9/);
  });
});
