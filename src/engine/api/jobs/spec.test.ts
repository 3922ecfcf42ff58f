import { describe, expect, it } from 'vitest';
import { OpenAIError } from '../errors.ts';
import { parseJobSpec } from './spec.ts';

const base = { model: 'tinystories-260k', training_file: 'file-abc' };

function paramOf(body: unknown): string | null {
  try {
    parseJobSpec(body);
  } catch (e) {
    expect(e).toBeInstanceOf(OpenAIError);
    expect((e as OpenAIError).status).toBe(400);
    return (e as OpenAIError).param;
  }
  throw new Error('expected a 400');
}

describe('job create bodies', () => {
  it('reads method.supervised hyperparameters and the deprecated top-level ones alike', () => {
    const a = parseJobSpec({ ...base, seed: 5, suffix: 'x-1', metadata: { k: 'v' }, method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2, batch_size: 'auto', learning_rate_multiplier: 0.5 } } } });
    expect(a).toEqual({ ...base, validation_file: null, suffix: 'x-1', seed: 5, metadata: { k: 'v' }, method: 'supervised', hyperparameters: { n_epochs: 2, batch_size: 'auto', learning_rate_multiplier: 0.5 } });
    const b = parseJobSpec({ ...base, hyperparameters: { n_epochs: 2, learning_rate_multiplier: 0.5 } });
    expect(b.hyperparameters).toEqual({ n_epochs: 2, batch_size: 'auto', learning_rate_multiplier: 0.5 });
    expect(Number.isInteger(b.seed)).toBe(true); // generated when missing
  });

  it('names the parameter of every invalid field', () => {
    expect(paramOf({ training_file: 'f' })).toBe('model');
    expect(paramOf({ model: 'm' })).toBe('training_file');
    expect(paramOf({ ...base, hyperparameters: { n_epochs: 0 } })).toBe('hyperparameters.n_epochs');
    expect(paramOf({ ...base, hyperparameters: { n_epochs: 2.5 } })).toBe('hyperparameters.n_epochs');
    expect(paramOf({ ...base, hyperparameters: { batch_size: 'big' } })).toBe('hyperparameters.batch_size');
    expect(paramOf({ ...base, hyperparameters: { learning_rate_multiplier: 0 } })).toBe('hyperparameters.learning_rate_multiplier');
    expect(paramOf({ ...base, hyperparameters: { warmup: 3 } })).toBe('hyperparameters.warmup');
    expect(paramOf({ ...base, method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 51 } } } })).toBe('method.supervised.hyperparameters.n_epochs');
    expect(paramOf({ ...base, method: { type: 'dpo' } })).toBe('method.type');
    expect(paramOf({ ...base, suffix: 'a:b' })).toBe('suffix');
    expect(paramOf({ ...base, seed: -1 })).toBe('seed');
    expect(paramOf({ ...base, metadata: { k: 1 } })).toBe('metadata.k');
    expect(paramOf({ ...base, method: { type: 'supervised' }, hyperparameters: { n_epochs: 1 } })).toBe('hyperparameters');
  });
});
