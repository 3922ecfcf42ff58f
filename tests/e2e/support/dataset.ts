/**
 * A small generated conversation dataset for browser tests, imported through the real import
 * door. Its content is defined here, so tests know the expected answers independently of the
 * code under test: conversation i (1..n) has intent 'billing' when i % 3 === 0, else 'greeting'.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openWorkspace } from '../../../src/engine/workspace.ts';
import { importDataset } from '../../../src/engine/data/import.ts';

export function intentOf(i: number): 'billing' | 'greeting' {
  return i % 3 === 0 ? 'billing' : 'greeting';
}

export async function importGenerated(workspace: string, name: string, n: number): Promise<void> {
  const ws = await openWorkspace(workspace, { create: true });
  const file = path.join(workspace, 'datasets', `${name}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    lines.push(
      JSON.stringify({
        messages: [
          { role: 'user', content: `Question number ${i}: can you help me?` },
          { role: 'assistant', content: `Answer number ${i}: of course.` }
        ],
        intent: intentOf(i)
      })
    );
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const r = await importDataset(ws, file, { name, workers: 1 });
  if (!r.ok) throw new Error(`fixture import failed: ${r.message}`);
}
