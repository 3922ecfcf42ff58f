import { describe, expect, it } from 'vitest';
import { canonicalJson, hashJson } from './canonical-json.ts';

describe('canonical JSON', () => {
  it('sorts keys at every level, drops undefined members and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'x' }], c: true }, u: undefined })).toBe('{"a":{"c":true,"d":[3,{"y":"x","z":null}]},"b":1}');
  });

  it('gives equal values equal hashes whatever the key order', () => {
    expect(hashJson({ x: 1, y: [1, 2] })).toBe(hashJson({ y: [1, 2], x: 1 }));
    expect(hashJson({ x: 1, y: [1, 2] })).not.toBe(hashJson({ x: 1, y: [2, 1] }));
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/no JSON form/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
  });
});
