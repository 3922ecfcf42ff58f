/** The sample datasets: reproducible from their generator, clean, and imported once by npm start. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/shared.ts';
import { ensureSamples } from '../../src/engine/data/samples.ts';
import { validateFile } from '../../src/engine/data/import.ts';
import { queryRows } from '../../src/engine/data/duckdb.ts';
import { readCatalog, versionPath } from '../../src/engine/data/catalog.ts';
import { openWorkspace } from '../../src/engine/workspace.ts';
import { tempDir } from './helpers.ts';

const samples = path.join(REPO_ROOT, 'datasets');

describe('sample datasets', () => {
  it('are exactly what datasets/generate.mjs writes', () => {
    const out = tempDir();
    execFileSync(process.execPath, [path.join(samples, 'generate.mjs'), '--out', out], { stdio: 'pipe' });
    const generated = fs.readdirSync(out).sort();
    expect(generated.length).toBe(7);
    for (const f of generated) expect(fs.readFileSync(path.join(out, f), 'utf8'), f).toBe(fs.readFileSync(path.join(samples, f), 'utf8'));
  });

  it('validate without errors, in English and Chinese, each format, 100-300 conversations', async () => {
    for (const f of ['support.jsonl', 'support_pc.jsonl', 'support_crs.json', 'support_zh_chat.jsonl', 'support_zh_pc.jsonl', 'support_zh.json']) {
      const r = await validateFile(path.join(samples, f));
      expect(r.errors, f).toBe(0);
      expect(r.valid, f).toBeGreaterThanOrEqual(100);
      expect(r.valid, f).toBeLessThanOrEqual(300);
    }
    const csv = await validateFile(path.join(samples, 'support_tickets.csv'), { mapping: { user: 'question', assistant: 'answer', intent: 'category', style: 'tone' } });
    expect([csv.errors, csv.valid]).toEqual([0, 40]);
  });

  it('are imported by ensureSamples, with several intents, two styles and multi-turn conversations; a second run is a no-op', async () => {
    const root = tempDir();
    const first = await ensureSamples(root, samples, () => {});
    expect(first.failed).toEqual([]);
    expect(first.imported.sort()).toEqual(['support', 'support_crs', 'support_pc', 'support_tickets', 'support_zh', 'support_zh_chat', 'support_zh_pc']);
    const started = Date.now();
    const second = await ensureSamples(root, samples, () => {});
    expect([second.imported, second.failed, second.unchanged.length]).toEqual([[], [], 7]);
    expect(Date.now() - started).toBeLessThan(2000);
    const ws = await openWorkspace(root);
    const cat = await readCatalog(ws);
    const file = (n: string) => versionPath(ws, cat.datasets[n].versions[0]);
    const [en] = await queryRows<{ intents: number; styles: string[]; multi: number }>(`SELECT count(DISTINCT intent) AS intents, list(DISTINCT style ORDER BY style) AS styles, count(*) FILTER (WHERE turns > 2) AS multi FROM read_parquet('${file('support')}')`);
    expect(en).toEqual({ intents: 5, styles: ['concise', 'formal'], multi: expect.any(Number) });
    expect(en.multi).toBeGreaterThan(30);
    const [zh] = await queryRows<{ intents: number; multi: number }>(`SELECT count(DISTINCT intent) AS intents, count(*) FILTER (WHERE turns > 2) AS multi FROM read_parquet('${file('support_zh')}')`);
    expect(zh.intents).toBe(5);
    expect(zh.multi).toBeGreaterThan(30);
    const [t] = await queryRows<{ n: number; intents: number }>(`SELECT count(*) AS n, count(DISTINCT intent) AS intents FROM read_parquet('${file('support_tickets')}')`);
    expect(t).toEqual({ n: 40, intents: 5 });
  });
});
