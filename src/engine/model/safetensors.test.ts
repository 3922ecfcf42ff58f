import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeSafetensors, parseSafetensors, readSafetensors, SafetensorsError, tensorToF32, writeSafetensors } from './safetensors.ts';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from './dtype.ts';
import { folderWeights } from './weights.ts';
import { REPO_ROOT } from '../../../tests/support/shared.ts';

/** A safetensors file built by hand from a header object and raw data. */
function handmade(header: object, data: Uint8Array, pad = true): Buffer {
  let json = JSON.stringify(header);
  if (pad) json += ' '.repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([len, Buffer.from(json), data]);
}

describe('half-precision conversions', () => {
  it('decodes known float16 bit patterns', () => {
    const bits = Uint16Array.from([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, 0xfc00, 0x0000, 0x8000, 0x3555]);
    const v = f16ToF32(bits);
    expect(Array.from(v.slice(0, 5))).toEqual([1, -2, 65504, 2 ** -24, 2 ** -14]);
    expect(v[5]).toBe(Infinity);
    expect(v[6]).toBe(-Infinity);
    expect(Object.is(v[8], -0)).toBe(true);
    expect(v[9]).toBeCloseTo(0.333251953125, 12);
    expect(Number.isNaN(f16ToF32(Uint16Array.from([0x7e00]))[0])).toBe(true);
  });

  it('encodes float16 with round-to-nearest-even, overflow and subnormals', () => {
    const x = Float32Array.from([1, -2, 65504, 65520, 1e-8, 2 ** -24, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 0.1]);
    expect(Array.from(f32ToF16(x))).toEqual([0x3c00, 0xc000, 0x7bff, 0x7c00, 0x0000, 0x0001, 0x3c00, 0x3c02, 0x2e66]);
  });

  it('bfloat16 keeps the high half, rounding to nearest even', () => {
    const x = Float32Array.from([1, -3.5, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.140625]);
    const b = f32ToBf16(x);
    expect(Array.from(b)).toEqual([0x3f80, 0xc060, 0x3f80, 0x3f82, 0x4049]);
    expect(Array.from(bf16ToF32(b))).toEqual([1, -3.5, 1, 1 + 2 ** -6, 3.140625]);
  });

  it('float16 round trip is exact for every finite half value', () => {
    const all = Uint16Array.from({ length: 0x7c00 }, (_, i) => i);
    expect(Array.from(f32ToF16(f16ToF32(all)))).toEqual(Array.from(all));
  });
});

describe('safetensors reader and writer', () => {
  const tensors = [
    { name: 'b.weight', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    { name: 'a.bias', shape: [3], data: Float32Array.from([-1, 0.5, 0.25]) }
  ];

  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    it(`round-trips ${dtype} with an 8-byte aligned header and name-ordered data`, () => {
      const bytes = encodeSafetensors(tensors, { dtype });
      const headerLen = Number(bytes.readBigUInt64LE(0));
      expect((8 + headerLen) % 8).toBe(0);
      const st = parseSafetensors(bytes, 'mem.safetensors');
      expect([...st.entries.keys()]).toEqual(['a.bias', 'b.weight']);
      expect(st.entries.get('a.bias')!.begin).toBe(0);
      expect(st.metadata).toEqual({ format: 'pt' });
      for (const t of tensors) {
        expect(st.entries.get(t.name)!.dtype).toBe(dtype);
        expect(Array.from(tensorToF32(st, t.name))).toEqual(Array.from(t.data));
      }
    });
  }

  it('reads a file written by hand (unpadded header, F32 little-endian)', () => {
    const data = Buffer.alloc(8);
    data.writeFloatLE(1.5, 0);
    data.writeFloatLE(-2, 4);
    const st = parseSafetensors(handmade({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, data, false), 'x.safetensors');
    expect(Array.from(tensorToF32(st, 'x'))).toEqual([1.5, -2]);
  });

  const bad: [string, Buffer, RegExp][] = [
    ['short file', Buffer.alloc(4), /too short/],
    ['header longer than the file', (() => { const b = Buffer.alloc(16); b.writeBigUInt64LE(100n); return b; })(), /header length 100/],
    ['header not JSON', handmade({} as object, new Uint8Array(0)).fill(0x7b, 8, 10), /not valid JSON/],
    ['unknown dtype', handmade({ t: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /tensor 't'.*unsupported dtype "F8"/],
    ['size does not match shape', handmade({ t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /tensor 't'.*holds 8 bytes but shape \[3\] of F32 needs 12/],
    ['offsets outside the data', handmade({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)), /tensor 't'.*outside the data section \(4 bytes\)/],
    ['overlapping tensors', handmade({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /overlaps tensor 'a'/]
  ];
  for (const [what, bytes, msg] of bad) {
    it(`rejects ${what}, naming the file`, () => {
      expect(() => parseSafetensors(bytes, 'model.safetensors')).toThrow(SafetensorsError);
      expect(() => parseSafetensors(bytes, 'model.safetensors')).toThrow(/^model\.safetensors/);
      expect(() => parseSafetensors(bytes, 'model.safetensors')).toThrow(msg);
    });
  }

  it('refuses to load integer tensors as weights', () => {
    const st = parseSafetensors(handmade({ n: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), 'f.safetensors');
    expect(() => tensorToF32(st, 'n')).toThrow(/tensor 'n'.*I64 cannot be loaded/);
  });

  it('writes atomically and reads a sharded folder through its index', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tb-st-'));
    await writeSafetensors(path.join(dir, 'model-00001-of-00002.safetensors'), [tensors[0]], { dtype: 'BF16' });
    await writeSafetensors(path.join(dir, 'model-00002-of-00002.safetensors'), [tensors[1]], { dtype: 'F16' });
    fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'b.weight': 'model-00001-of-00002.safetensors', 'a.bias': 'model-00002-of-00002.safetensors' } }));
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const w = folderWeights(dir);
    expect(w.names().sort()).toEqual(['a.bias', 'b.weight']);
    expect(w.shape('b.weight')).toEqual([2, 3]);
    expect(Array.from(w.read('a.bias'))).toEqual([-1, 0.5, 0.25]);
    expect(w.where('a.bias')).toMatch(/model-00002-of-00002/);
    fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { 'c.weight': 'model-00003-of-00003.safetensors' } }));
    expect(() => folderWeights(dir)).toThrow(/names shard model-00003-of-00003.safetensors, which is missing/);
    fs.rmSync(dir, { recursive: true });
  });

  it('reads the GPT-2 fixture written by the independent Python writer', () => {
    const st = readSafetensors(path.join(REPO_ROOT, 'tests/fixtures/gpt2/model/model.safetensors'));
    expect(st.metadata.format).toBe('pt');
    expect(st.entries.get('transformer.wte.weight')!.shape).toEqual([281, 24]);
    expect(tensorToF32(st, 'transformer.h.0.attn.c_attn.weight').length).toBe(24 * 72);
  });
});
