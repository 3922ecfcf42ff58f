import { describe, expect, it } from 'vitest';
import { fsum } from './fsum.ts';

// Examples from the CPython documentation and test_math.py.
describe('fsum', () => {
  it('is exactly rounded where a naive sum is not', () => {
    expect(fsum(new Array(10).fill(0.1))).toBe(1.0);
    expect(new Array(10).fill(0.1).reduce((a, b) => a + b, 0)).not.toBe(1.0);
    expect(fsum([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50])).toBe(1e-100);
    expect(fsum([2.0 ** 53, -0.5, -(2.0 ** -54)])).toBe(2.0 ** 53 - 1.0);
    expect(fsum([])).toBe(0);
  });
});
