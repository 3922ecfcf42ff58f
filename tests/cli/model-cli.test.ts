/**
 * The model commands end to end through the CLI entry point: models (list / add / init / presets),
 * generate, logits and tokenize with the output fields external checks read (ids, text, loss,
 * logits), against the shared references where they exist.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.ts';
import { capture } from '../support/cli.ts';
import { describeShared, shared, REPO_ROOT } from '../support/shared.ts';
import { readSafetensors } from '../../src/engine/model/safetensors.ts';

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture();
  const code = await main(args, io, { ...env, TUNEBENCH_BACKEND: 'wasm', TUNEBENCH_THREADS: '1' });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tb-models-'));
const gpt2 = path.join(REPO_ROOT, 'tests/fixtures/gpt2/model');

describe('tunebench models', () => {
  let ws: string;
  beforeAll(() => {
    ws = tmp();
  });

  it('lists a model written into .tunebench/models/ of a folder that had no workspace yet (the README quick start)', async () => {
    const fresh = tmp();
    const out = path.join(fresh, '.tunebench', 'models', 'tinystories-260k');
    expect((await run(['models', 'init', '--arch', 'llama', '--preset', 'stories260k', '--out', out, '--workspace', fresh])).code).toBe(0);
    const r = await run(['models', '--json', '--workspace', fresh]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((m: { name: string }) => m.name)).toContain('tinystories-260k');
    expect(fs.existsSync(path.join(fresh, '.tunebench', 'workspace.json'))).toBe(true);
  });

  it('init writes a seeded random model that loads; the same seed gives the same bytes', async () => {
    const a = path.join(ws, 'a');
    const r = await run(['models', 'init', '--arch', 'llama', '--preset', 'stories260k', '--out', a, '--seed', '7', '--json', '--workspace', ws]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ arch: 'llama', parameters: 260032, vocab_size: 512, tokenizer: 'byte-level placeholder' });
    for (const f of ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) expect(fs.existsSync(path.join(a, f)), f).toBe(true);
    const b = path.join(ws, 'b');
    await run(['models', 'init', '--arch', 'llama', '--preset', 'stories260k', '--out', b, '--seed', '7', '--workspace', ws]);
    expect(fs.readFileSync(path.join(b, 'model.safetensors')).equals(fs.readFileSync(path.join(a, 'model.safetensors')))).toBe(true);
    expect(readSafetensors(path.join(a, 'model.safetensors')).entries.has('lm_head.weight')).toBe(false); // tied
    // The placeholder tokenizer turns any text into UTF-8 byte tokens and back.
    const tok = JSON.parse((await run(['tokenize', '--model', a, '--text', 'héllo', '--json'])).stdout);
    expect(tok.ids).toEqual([1, ...Array.from(Buffer.from('héllo')).map((byte) => byte + 3)]);
    expect(tok.decoded).toBe('héllo');
    const g = JSON.parse((await run(['generate', '--model', a, '--prompt', 'hi', '--max-tokens', '5', '--no-stop-tokens', '--json'])).stdout);
    expect(g.ids).toHaveLength(5);
    expect(g.backend.name).toBe('wasm');
  });

  it('init refuses a non-empty folder without --force, and an unknown preset', async () => {
    const a = path.join(ws, 'a');
    expect((await run(['models', 'init', '--arch', 'llama', '--preset', 'stories260k', '--out', a])).stderr).toMatch(/exists and is not empty \(use --force/);
    const bad = await run(['models', 'init', '--arch', 'llama', '--preset', 'stories9b', '--out', path.join(ws, 'x')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown preset 'stories9b' \(known: stories260k, stories15m/);
  });

  it('add registers a folder by absolute path; models lists registered, workspace and TUNEBENCH_MODELS entries', async () => {
    const add = await run(['models', 'add', gpt2, '--name', 'tiny-gpt2', '--json', '--workspace', ws]);
    expect(add.code).toBe(0);
    const reg = JSON.parse(fs.readFileSync(path.join(ws, '.tunebench/models/registry.json'), 'utf8'));
    expect(reg.models['tiny-gpt2'].path).toBe(gpt2);
    fs.mkdirSync(path.join(ws, '.tunebench/models/local'), { recursive: true });
    fs.cpSync(path.join(ws, 'a'), path.join(ws, '.tunebench/models/local'), { recursive: true });
    const extra = tmp();
    fs.cpSync(gpt2, path.join(extra, 'env-gpt2'), { recursive: true });
    const list = await run(['models', '--json', '--workspace', ws], { TUNEBENCH_MODELS: `${extra}:${path.join(ws, 'b')}` });
    const models = JSON.parse(list.stdout) as { name: string; source: string; arch: string; parameters: number }[];
    expect(models.map((m) => [m.name, m.source, m.arch])).toEqual([
      ['tiny-gpt2', 'registered', 'gpt2'],
      ['local', 'workspace', 'llama'],
      ['env-gpt2', 'env', 'gpt2'],
      ['b', 'env', 'llama']
    ]);
    expect(models[1].parameters).toBe(260032);
    // --model accepts a registered name
    const g = await run(['generate', '--model', 'tiny-gpt2', '--ids', '83,257', '--max-tokens', '3', '--no-stop-tokens', '--json', '--workspace', ws]);
    expect(JSON.parse(g.stdout).ids).toHaveLength(3);
  });

  it('an unknown --model is an error that says what is known', async () => {
    const r = await run(['logits', '--model', 'tiny-gpt', '--ids', '1,2', '--json', '--workspace', ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown model 'tiny-gpt'.*did you mean 'tiny-gpt2'/);
  });

  it('add rejects a folder that is not a model', async () => {
    const r = await run(['models', 'add', tmp(), '--workspace', ws]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not a model folder \(no config.json\)/);
  });
});

describe('logits and generate on the GPT-2 fixture', () => {
  const ref = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tests/fixtures/gpt2/reference.json'), 'utf8'));
  it('logits --json prints the reference loss and final logits', async () => {
    const c = ref.f32[0];
    const r = JSON.parse((await run(['logits', '--model', gpt2, '--ids', c.input_ids.join(','), '--json'])).stdout);
    expect(Math.abs(r.loss - c.loss)).toBeLessThan(1e-4);
    expect(r.logits).toHaveLength(c.final_logits.length);
    expect(Math.max(...r.logits.map((x: number, i: number) => Math.abs(x - c.final_logits[i])))).toBeLessThan(1e-4);
  });
});

describeShared('model commands on tinystories-260k match the PyTorch reference', () => {
  const dir = shared('models', 'tinystories-260k');
  const ref = fs.existsSync(dir) ? JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')) : null;

  it('generate --ids … --max-tokens 32 --temperature 0 --json gives the greedy ids and text', async () => {
    const p = ref.prompts[0];
    const r = await run(['generate', '--model', dir, '--ids', p.input_ids.join(','), '--max-tokens', '32', '--temperature', '0', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.ids).toEqual(p.greedy_new_ids);
    expect(out.text).toBe(p.greedy_text);
    expect(out.prompt_ids).toEqual(p.input_ids);
  });

  it('generate --prompt tokenizes with <s> and stops on <s> by default', async () => {
    const out = JSON.parse((await run(['generate', '--model', dir, '--prompt', ref.prompts[0].text, '--max-tokens', '32', '--json'])).stdout);
    expect(out.prompt_ids).toEqual(ref.prompts[0].input_ids);
    expect(out.ids).toEqual(ref.prompts[0].greedy_new_ids);
  });

  it('logits --json: loss and final-position logits within 1e-4', async () => {
    for (const p of ref.prompts) {
      const out = JSON.parse((await run(['logits', '--model', dir, '--ids', p.input_ids.join(','), '--json'])).stdout);
      expect(Math.abs(out.loss - p.loss)).toBeLessThan(1e-4);
      expect(Math.max(...out.logits.map((x: number, i: number) => Math.abs(x - p.final_logits[i])))).toBeLessThan(1e-4);
      expect(out.argmax).toBe(p.final_logits_argmax);
    }
  });

  it('tokenize --json gives the reference ids and tokens', async () => {
    for (const c of ref.tokenizer_cases.slice(0, 6)) {
      const out = JSON.parse((await run(['tokenize', '--model', dir, '--text', c.text, '--json'])).stdout);
      expect(out.ids).toEqual(c.input_ids);
      expect(out.tokens).toEqual(c.tokens);
    }
  });
});
