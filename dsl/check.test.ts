import { describe, expect, it } from 'vitest';
import { check, checkWithFacts, compile, parse, type Facts, type Needs } from './index.ts';
import { CORE_COLUMNS, TRAILING_COLUMNS } from '../src/engine/data/schema.ts';

const cols = [...CORE_COLUMNS, { name: 'intent', type: 'VARCHAR' }, ...TRAILING_COLUMNS].map((c) => ({ name: c.name, type: c.type }));

const SRC = `pipeline p
dataset a from "datasets/a.jsonl" format openai
dataset b from workspace support@2
stage s from a, b {
  filter sql "turns >= 2"
  filter intent = "billing"
}
split s into tr 90%, va 10%
train m from tr validate va { base "tiny" }
eval [base, m] on va { metrics bleu }
`;

describe('check asks for facts instead of doing I/O', () => {
  it('first pass: lists datasets, files and models it needs, and reports nothing it cannot know', () => {
    const r = check(parse(SRC));
    expect(r.diagnostics).toEqual([]);
    expect(r.needs.files.map((f) => [f.key, f.path, f.format])).toEqual([['openai:datasets/a.jsonl', 'datasets/a.jsonl', 'openai']]);
    expect(r.needs.datasets.map((d) => [d.key, d.name, d.version])).toEqual([['support@2', 'support', 2]]);
    expect(r.needs.models).toBe(true);
    // SQL needs wait for the schema they run against
    expect(r.needs.sql).toEqual([]);
    expect(r.program).not.toBeNull();
  });

  it('second pass: with schemas it asks DuckDB about the snippet, against the union of both inputs', () => {
    const facts: Facts = { files: { 'openai:datasets/a.jsonl': { ok: true, columns: cols } }, datasets: { 'support@2': { ok: true, columns: cols.filter((c) => c.name !== 'intent') } }, models: [{ name: 'tiny', arch: 'llama' }] };
    const r = check(parse(SRC), facts);
    expect(r.needs.files).toEqual([]);
    expect(r.needs.models).toBe(false);
    expect(r.needs.sql).toHaveLength(1);
    const need = r.needs.sql[0];
    expect(need.snippet).toBe('turns >= 2');
    expect(need.columns.map((c) => c.name)).toContain('intent');
    expect(need.probe.slice(need.snippetOffset, need.snippetOffset + need.snippet.length)).toBe('turns >= 2');
    expect(SRC.slice(need.span.start, need.span.end)).toBe('"turns >= 2"');
  });

  it('checkWithFacts loops until nothing is needed; a DuckDB error maps back into the string', async () => {
    const asked: Needs[] = [];
    const src = SRC.replace('turns >= 2', 'turns >= 2 AND nope');
    const { result } = await checkWithFacts(src, async (needs) => {
      asked.push(needs);
      return {
        files: Object.fromEntries(needs.files.map((f) => [f.key, { ok: true as const, columns: cols }])),
        datasets: Object.fromEntries(needs.datasets.map((d) => [d.key, { ok: true as const, columns: cols }])),
        models: needs.models ? [{ name: 'tiny', arch: 'llama' }] : undefined,
        sql: Object.fromEntries(needs.sql.map((s) => [s.key, { ok: false as const, message: 'column nope not found', offset: s.snippet.indexOf('nope') }]))
      };
    });
    expect(asked).toHaveLength(2);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['E029']);
    const d = result.diagnostics[0];
    expect(src.slice(d.span.start, d.span.end)).toBe('nope');
  });

  it('facts that say "not found" become errors with suggestions', () => {
    const r = check(parse('pipeline p\ndataset b from workspace suport\nstage s from b {\n  limit 1\n}\n'), { datasets: { suport: { ok: false, available: ['support', 'other'] } } });
    expect(r.diagnostics.map((d) => [d.code, d.help[0]])).toEqual([['E016', "did you mean 'support'?"]]);
    expect(r.program).toBeNull();
  });

  it('stops after syntax errors', () => {
    const r = check(parse('pipeline p\nstage s from nowhere {\n  filter x >\n}\n'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E005']);
  });

  it('derived stages keep their input columns; a later stage sees them', () => {
    const facts: Facts = { datasets: { support: { ok: true, columns: cols } } };
    const r = check(parse('pipeline p\ndataset t from workspace support\nstage a from t {\n  limit 5\n}\nstage b from a {\n  filter intnt = "x"\n}\n'), facts);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['E021', "unknown column 'intnt' in a"]]);
    expect(r.schemas.b?.map((c) => c.name)).toEqual(cols.map((c) => c.name));
  });

  it('declaration order does not matter; the plan is in dependency order', () => {
    const src = 'pipeline p\neval [m] on te { metrics rougeL }\ntrain m from tr { base "tiny" }\nsplit t into tr 50%, te 50%\ndataset t from workspace support\n';
    const r = check(parse(src), { datasets: { support: { ok: true, columns: cols } }, models: [{ name: 'tiny', arch: 'llama' }] });
    expect(r.diagnostics).toEqual([]);
    expect(compile(r).stages.map((s) => s.id)).toEqual(['t', 'tr+te', 'm', 'eval']);
  });

  it('fills defaults into the typed program', () => {
    const src = 'pipeline p\ndataset t from workspace support\nsplit t into tr 50%, te 50%\ntrain m from tr { base "gpt" }\n';
    const r = check(parse(src), { datasets: { support: { ok: true, columns: cols } }, models: [{ name: 'gpt', arch: 'gpt2' }] });
    const plan = compile(r);
    const train = plan.stages.find((s) => s.kind === 'train')!;
    expect(train.params).toMatchObject({
      method: { kind: 'lora', rank: 8, alpha: 16, targets: ['c_attn'], base_precision: 'float32' },
      epochs: 'auto',
      learning_rate: { mode: 'multiplier', value: 'auto' },
      early_stop: null,
      grad_clip: 1
    });
  });
});
