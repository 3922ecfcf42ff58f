import { describe, expect, it } from 'vitest';
import { check, compile, hasErrors, parse, type Facts } from '../../dsl/index.ts';
import { CORE_COLUMNS, TRAILING_COLUMNS } from '../engine/data/schema.ts';
import { DEFAULT_TASK, ftpName, ftpNumber, ftpString, pipelineIdent, starterSource, taskErrors, taskToFtp, type TaskForm } from './pipeline-task.ts';

const columns = [...CORE_COLUMNS, { name: 'intent', type: 'VARCHAR' }, ...TRAILING_COLUMNS].map((c) => ({ name: c.name, type: c.type }));
const dataset = { ok: true as const, columns, version: 1, rows: 100 };
/** The facts a workspace with datasets support / held_out / `in` and one base model gives. */
const facts: Facts = {
  datasets: { support: dataset, held_out: dataset, in: dataset },
  models: [{ name: 'tinystories-260k', arch: 'llama' }]
};

function checked(text: string) {
  const r = check(parse(text), facts);
  return { r, errors: r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`) };
}

const task = (over: Partial<TaskForm>): TaskForm => ({ ...DEFAULT_TASK, name: 'support-bot', base: 'tinystories-260k', data: { kind: 'split', dataset: 'support', validation: 10, test: 10, seed: 42 }, ...over });

describe('the fine-tuning task form writes pipelines that check', () => {
  it('LoRA on a split dataset: the plan carries the form values', () => {
    const text = taskToFtp(task({ epochs: 2, learningRate: 3e-4, batchSize: 4, maxLength: 256, rank: 8, alpha: 16, metrics: ['bleu', 'chrf++', 'rougeL'] }));
    const { r, errors } = checked(text);
    expect(errors).toEqual([]);
    const plan = compile(r);
    expect(plan.pipeline).toBe('support_bot');
    const split = plan.stages.find((s) => s.kind === 'split')!;
    expect(split.id).toBe('train+val+test');
    expect(split.params).toMatchObject({ parts: [{ name: 'train', percent: 80 }, { name: 'val', percent: 10 }, { name: 'test', percent: 10 }], seed: 42 });
    const train = plan.stages.find((s) => s.kind === 'train')!;
    expect(train.inputs.map((i) => [i.role, i.part])).toEqual([
      ['train', 'train'],
      ['validation', 'val']
    ]);
    expect(train.params).toMatchObject({ base: { kind: 'model', name: 'tinystories-260k' }, method: { kind: 'lora', rank: 8, alpha: 16 }, epochs: 2, learning_rate: { mode: 'fixed', value: 3e-4 }, batch_size: 4, max_length: 256 });
    const ev = plan.stages.find((s) => s.kind === 'eval')!;
    expect(ev.inputs.find((i) => i.role === 'data')?.part).toBe('test');
    expect((ev.params as { metrics: { name: string }[] }).metrics.map((m) => m.name)).toEqual(['bleu', 'chrf++', 'rougeL']);
  });

  it('full fine-tuning with separate validation and evaluation datasets, and an intent metric', () => {
    const text = taskToFtp(task({ method: 'full', data: { kind: 'datasets', train: 'support', validation: 'held_out', evaluation: 'in' }, metrics: ['intent_accuracy'], labelColumn: 'intent' }));
    expect(text).toContain('dataset eval_data from workspace `in`');
    const { r, errors } = checked(text);
    expect(errors).toEqual([]);
    const plan = compile(r);
    expect(plan.stages.find((s) => s.kind === 'train')!.params).toMatchObject({ method: { kind: 'full' } });
    const ev = plan.stages.find((s) => s.kind === 'eval')!;
    expect(ev.inputs.find((i) => i.role === 'data')?.stage).toBe('eval_data');
    expect(JSON.stringify(ev.params)).toContain('"intent"');
  });

  it('without metrics or evaluation data there is no eval statement; a description survives quotes and lines', () => {
    const description = 'Says "hello" \\ politely\nand briefly';
    const text = taskToFtp(task({ description, metrics: [], data: { kind: 'split', dataset: 'support', validation: 20, test: 0, seed: 1 } }));
    const { r, errors } = checked(text);
    expect(errors).toEqual([]);
    const plan = compile(r);
    expect(plan.description).toBe('Says "hello" \\ politely');
    expect(plan.stages.some((s) => s.kind === 'eval')).toBe(false);
    expect(text.startsWith('# Says "hello" \\ politely\n# and briefly\n')).toBe(true);
  });

  it('the form reports what it can before any text exists', () => {
    expect(taskErrors(task({}))).toEqual({});
    const e = taskErrors(task({ name: '../x', base: '', epochs: 0, learningRate: 2, metrics: ['intent_f1'], labelColumn: null, data: { kind: 'split', dataset: 'support', validation: 60, test: 40, seed: 1 } }));
    expect(Object.keys(e).sort()).toEqual(['base', 'epochs', 'learningRate', 'metrics', 'name', 'split']);
  });

  it('an unknown model is left for the checker to report (the form does not hide check errors)', () => {
    expect(checked(taskToFtp(task({ base: 'no-such-model' }))).errors.join('\n')).toContain('E050');
  });
});

describe('literals', () => {
  it('writes names, strings and numbers the lexer reads back', () => {
    expect(ftpName('support')).toBe('support');
    expect(ftpName('null')).toBe('`null`');
    expect(ftpString('a "b" \\ c\td')).toBe('"a \\"b\\" \\\\ c\\td"');
    expect(ftpNumber(0.0002)).toBe('2e-4');
    expect(ftpNumber(0.05)).toBe('0.05');
    expect(pipelineIdent('2024-support bot')).toBe('p_2024_support_bot');
    expect(pipelineIdent('not')).toBe('not_pipeline');
  });

  it('a blank starter reading a dataset parses and checks', () => {
    const { errors } = checked(starterSource('my-pipe', 'support'));
    expect(errors).toEqual([]);
    expect(hasErrors(parse(starterSource('x')).diagnostics)).toBe(false);
  });
});
