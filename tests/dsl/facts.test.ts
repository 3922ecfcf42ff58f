/**
 * The engine side of the checker's needs (src/engine/facts.ts): models from folders, file-source
 * columns from the importer's own rules, workspace datasets from the catalog, and SQL snippets
 * judged by a sandboxed DuckDB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyNeeds, sqlProbe, type FileNeed } from '../../dsl/index.ts';
import { queryRows, sqlString } from '../../src/engine/data/duckdb.ts';
import { gatherFacts, listModels, validateSql } from '../../src/engine/facts.ts';
import { openWorkspace } from '../../src/engine/workspace.ts';
import { describeShared, shared } from '../support/shared.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tb-facts-'));
const fileNeed = (p: string, format = 'auto', mapping: Record<string, string> | null = null): FileNeed => ({ key: `${format}:${p}`, path: p, format, options: { mapping }, span: { start: 0, end: 0 } });

async function fileColumns(root: string, need: FileNeed): Promise<string[] | string> {
  const ws = await openWorkspace(root, { create: true });
  const facts = await gatherFacts(ws, { ...emptyNeeds(), files: [need] });
  const f = facts.files![need.key];
  return f.ok ? f.columns.map((c) => c.name).filter((c) => !['conversation_id', 'messages', 'tools', 'source_file', 'source_line', 'turns', 'system_text', 'user_text', 'assistant_text', 'chars', 'tokens'].includes(c)) : f.message ?? 'not found';
}

describe('models', () => {
  it('lists model folders of the workspace and of TUNEBENCH_MODELS, with their architecture', async () => {
    const root = tmp();
    const ws = await openWorkspace(root, { create: true });
    fs.mkdirSync(path.join(ws.modelsDir, 'mine'), { recursive: true });
    fs.writeFileSync(path.join(ws.modelsDir, 'mine', 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
    fs.mkdirSync(path.join(ws.modelsDir, 'not-a-model'));
    const extra = tmp();
    fs.mkdirSync(path.join(extra, 'other'));
    fs.writeFileSync(path.join(extra, 'other', 'config.json'), JSON.stringify({ model_type: 'llama' }));
    const models = await listModels(ws, { TUNEBENCH_MODELS: `${extra}:/nonexistent` });
    expect(models.map((m) => [m.name, m.arch])).toEqual([
      ['mine', 'gpt2'],
      ['other', 'llama']
    ]);
  });
});

describeShared('models in ../shared', () => {
  it('finds tinystories-260k as a llama model', async () => {
    const ws = await openWorkspace(tmp(), { create: true });
    const models = await listModels(ws, { TUNEBENCH_MODELS: shared('models') });
    expect(models.find((m) => m.name === 'tinystories-260k')?.arch).toBe('llama');
  });
});

describe('file sources', () => {
  it('CSV: default mapping guesses the turns, other columns become metadata; an explicit mapping names them', async () => {
    const root = tmp();
    fs.mkdirSync(path.join(root, 'datasets'));
    fs.writeFileSync(path.join(root, 'datasets', 'faq.csv'), 'question,answer,category,lang\n"Where is my order?",Soon,shipping,en\n');
    expect(await fileColumns(root, fileNeed('datasets/faq.csv'))).toEqual(['category', 'lang']);
    expect(await fileColumns(root, fileNeed('datasets/faq.csv', 'csv', { user: 'question', assistant: 'answer', intent: 'category' }))).toEqual(['intent']);
  });

  it('Parquet: the schema through the same mapping', async () => {
    const root = tmp();
    const file = path.join(root, 'qa.parquet');
    await queryRows(`COPY (SELECT 'q' AS prompt, 'a' AS completion, 'billing' AS intent) TO ${sqlString(file)} (FORMAT parquet)`);
    expect(await fileColumns(root, fileNeed('qa.parquet'))).toEqual(['intent']);
  });

  it('JSON Lines: metadata keys of the first records, cleaned as the importer cleans them', async () => {
    const root = tmp();
    const rec = (extra: object) => JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }], ...extra });
    fs.writeFileSync(path.join(root, 'a.jsonl'), [rec({ intent: 'x' }), rec({ intent: 'y', 'my style': 'z', turns: 3 })].join('\n') + '\n');
    expect(await fileColumns(root, fileNeed('a.jsonl', 'openai'))).toEqual(['intent', 'my_style', 'meta_turns']);
  });

  it('a missing file is a fact, not an exception', async () => {
    expect(await fileColumns(tmp(), fileNeed('datasets/none.jsonl'))).toMatch(/no such file/);
  });
});

describeShared('file sources in ../shared', () => {
  it('context/response JSON gets intent and style; chat JSONL gets intent', async () => {
    const root = tmp();
    fs.mkdirSync(path.join(root, 'datasets'));
    fs.copyFileSync(shared('datasets', 'zh_medical_qa.crs.json'), path.join(root, 'datasets', 'zh.json'));
    fs.copyFileSync(shared('datasets', 'bitext_customer_support.chat.jsonl'), path.join(root, 'datasets', 'b.jsonl'));
    expect(await fileColumns(root, fileNeed('datasets/zh.json'))).toEqual(['intent', 'style']);
    expect(await fileColumns(root, fileNeed('datasets/b.jsonl', 'openai'))).toEqual(['intent']);
  });
});

describe('workspace datasets', () => {
  it('reads columns from the catalog; an unknown name lists the datasets, an unknown version the versions', async () => {
    const root = tmp();
    const ws = await openWorkspace(root, { create: true });
    const columns = [{ name: 'conversation_id', type: 'VARCHAR' }, { name: 'intent', type: 'VARCHAR' }];
    const version = (v: number) => ({ version: v, key: 'k', file: 'data/k.parquet', rows: 1, bytes: 1, columns, created_at: '2024-01-01T00:00:00Z', lineage: { kind: 'feedback', source: 't' } });
    fs.writeFileSync(ws.catalogPath, JSON.stringify({ format: 1, datasets: { support: { name: 'support', versions: [version(1), version(2)] } } }));
    const facts = await gatherFacts(ws, {
      ...emptyNeeds(),
      datasets: [
        { key: 'support', name: 'support', version: null, span: { start: 0, end: 0 } },
        { key: 'support@9', name: 'support', version: 9, span: { start: 0, end: 0 } },
        { key: 'suport', name: 'suport', version: null, span: { start: 0, end: 0 } }
      ]
    });
    expect(facts.datasets!.support).toMatchObject({ ok: true, columns, version: 2 });
    expect(facts.datasets!['support@9']).toMatchObject({ ok: false, versions: [1, 2] });
    expect(facts.datasets!.suport).toEqual({ ok: false, available: ['support'] });
  });
});

describe('SQL snippets', () => {
  const columns = [
    { name: 'turns', type: 'INTEGER' },
    { name: 'user_text', type: 'VARCHAR' }
  ];
  const need = (snippet: string) => ({ key: snippet, snippet, columns, span: { start: 0, end: 0 }, ...sqlProbe(snippet, columns) });

  it('accepts valid conditions and locates errors inside the snippet', async () => {
    const r = await validateSql([need('turns > 2 AND user_text ILIKE \'%x%\''), need('turns > 2 AND nope = 1'), need('turns >')]);
    expect(r["turns > 2 AND user_text ILIKE '%x%'"]).toEqual({ ok: true });
    const bad = r['turns > 2 AND nope = 1'];
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.message).toMatch(/nope/);
      expect(bad.offset).toBe('turns > 2 AND '.length);
    }
    expect(r['turns >'].ok).toBe(false);
  });

  it('cannot reach files or load extensions', async () => {
    const r = await validateSql([need("user_text IN (SELECT column0 FROM read_csv('/etc/passwd'))"), need("user_text::INET >>= '10.0.0.0/8'")]);
    const messages = Object.values(r).map((f) => (f.ok ? 'ok' : f.message));
    expect(messages[0]).toMatch(/file system operations are disabled/);
    expect(messages[1]).toMatch(/not in the catalog/);
  });
});
