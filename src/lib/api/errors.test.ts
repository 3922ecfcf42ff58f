import { describe, expect, it } from 'vitest';
import { ApiError } from './client.ts';
import { describeError } from './errors.ts';

describe('describeError', () => {
  it('reads ApiErrors, located errors, Errors and strings', () => {
    expect(describeError(new ApiError(422, 'bad_hyperparameter', 'learning_rate must be > 0', { file: 'bot.ftp', line: 9, column: 10 }))).toEqual({
      message: 'learning_rate must be > 0',
      code: 'bad_hyperparameter',
      status: 422,
      details: { file: 'bot.ftp', line: 9, column: 10 },
      location: 'bot.ftp, line 9, column 10'
    });
    expect(describeError({ message: 'no such column', line: 2, column: 3 }).location).toBe('line 2, column 3');
    expect(describeError(new Error('boom'))).toEqual({ message: 'boom', code: undefined, details: undefined, location: undefined });
    expect(describeError('plain')).toEqual({ message: 'plain' });
    expect(describeError(new ApiError(0, 'network_error', 'offline')).status).toBeUndefined();
  });
});
