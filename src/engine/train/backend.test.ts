/**
 * Backend selection and the WASM kernel replacements. The replaced Slice / SplitV / GatherV2 must
 * give exactly what the CPU backend gives (they are pure copies) on shapes that exercise
 * contiguous runs, strided boxes, batchDims and short slices.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { backendRequestFromEnv, currentBackend, initBackend } from './backend.ts';
import { REQUIRED_WASM_KERNELS } from './wasm-kernels.ts';

function values(t: tf.Tensor | tf.Tensor[]): number[][] {
  return (Array.isArray(t) ? t : [t]).map((x) => [...x.shape, -1, ...Array.from(x.dataSync())]);
}

describe('backend selection', () => {
  it('reads TUNEBENCH_BACKEND / TUNEBENCH_THREADS and rejects bad values', () => {
    expect(backendRequestFromEnv({ TUNEBENCH_BACKEND: 'cpu', TUNEBENCH_THREADS: '2' })).toEqual({ backend: 'cpu', threads: 2 });
    expect(() => backendRequestFromEnv({ TUNEBENCH_BACKEND: 'gpu' })).toThrow(/TUNEBENCH_BACKEND must be auto, tensorflow, wasm or cpu/);
    expect(() => backendRequestFromEnv({ TUNEBENCH_THREADS: 'many' })).toThrow(/TUNEBENCH_THREADS/);
  });

  it('starts wasm (SIMD) and cpu, records versions, and switches between them', async () => {
    const w = await initBackend({ backend: 'wasm', threads: 1 });
    expect(w).toMatchObject({ backend: 'wasm', device: 'cpu', threads: 1, simd: true });
    expect(w.versions['tfjs-backend-wasm']).toMatch(/^4\./);
    const c = await initBackend({ backend: 'cpu' });
    expect(c.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend({ backend: 'wasm' })).toBe(w);
    expect(currentBackend()).toBe(w);
  });

  it('auto falls back past tfjs-node (not installable here) with the reason recorded', async () => {
    const r = await initBackend({ backend: 'auto', threads: 1 });
    if (r.backend === 'tensorflow') return; // a machine where tfjs-node loads
    expect(r.backend).toBe('wasm');
    expect(r.fallbacks.some((f) => f.startsWith('@tensorflow/tfjs-node'))).toBe(true);
  });
});

describe('threaded WASM in Node', () => {
  it('starts 2 XNNPACK threads in a fresh process (even one started with -e) and computes what 1 thread does', async () => {
    const backendTs = path.join(path.dirname(fileURLToPath(import.meta.url)), 'backend.ts');
    const code = `
      import * as tf from '@tensorflow/tfjs-core';
      const { initBackend } = await import(${JSON.stringify(backendTs)});
      const r = await initBackend({ backend: 'wasm', threads: 2 });
      const a = tf.tensor2d(Array.from({ length: 300 * 96 }, (_, i) => Math.sin(i)), [300, 96]);
      const b = tf.tensor2d(Array.from({ length: 96 * 80 }, (_, i) => Math.cos(i)), [96, 80]);
      console.log(JSON.stringify({ threads: r.threads, fallbacks: r.fallbacks, out: Array.from(tf.matMul(a, b).dataSync()) }));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status, child.stderr).toBe(0);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!);
    expect(r.threads).toBe(2);
    expect(r.fallbacks).toEqual([]);
    await initBackend({ backend: 'wasm', threads: 1 });
    const a = tf.tensor2d(Array.from({ length: 300 * 96 }, (_, i) => Math.sin(i)), [300, 96]);
    const b = tf.tensor2d(Array.from({ length: 96 * 80 }, (_, i) => Math.cos(i)), [96, 80]);
    const single = tf.matMul(a, b).dataSync();
    let d = 0;
    single.forEach((v, i) => (d = Math.max(d, Math.abs(v - r.out[i]))));
    expect(d).toBeLessThan(1e-4);
  });
});

describe('WASM Slice, SplitV and GatherV2 replacements equal the CPU backend', () => {
  const cases: [string, () => tf.Tensor | tf.Tensor[]][] = [
    ['slice leading axis (contiguous)', () => tf.slice(tf.reshape(tf.range(0, 2 * 3 * 4 * 5), [2, 3, 4, 5]), [1, 0, 0, 0], [1, 3, 4, 5])],
    ['slice inner box', () => tf.slice(tf.reshape(tf.range(0, 2 * 3 * 4 * 5), [2, 3, 4, 5]), [0, 1, 1, 2], [2, 2, 3, 3])],
    ['slice last axis only', () => tf.slice(tf.reshape(tf.range(0, 60), [3, 20]), [0, 5], [3, 11])],
    ['slice 1-D', () => tf.slice(tf.range(0, 40), [7], [20])],
    ['slice int32', () => tf.slice(tf.reshape(tf.range(0, 24, 1, 'int32'), [4, 6]), [1, 2], [2, 3])],
    ['split along an inner axis', () => tf.split(tf.reshape(tf.range(0, 2 * 9 * 3), [2, 9, 3]), [2, 3, 4], 1)],
    ['gather rows', () => tf.gather(tf.reshape(tf.range(0, 40 * 24), [40, 24]), tf.tensor1d([3, 39, 3, 0], 'int32'))],
    ['gather columns (axis 1)', () => tf.gather(tf.reshape(tf.range(0, 6 * 50), [6, 50]), tf.tensor1d([49, 0, 7, 7, 12], 'int32'), 1)],
    ['gather with 2-D indices', () => tf.gather(tf.reshape(tf.range(0, 10 * 3), [10, 3]), tf.tensor2d([[1, 2], [9, 0]], [2, 2], 'int32'))],
    ['gather with batchDims', () => tf.gather(tf.reshape(tf.range(0, 2 * 5 * 4), [2, 5, 4]), tf.tensor2d([[4, 0], [1, 1]], [2, 2], 'int32'), 1, 1)]
  ];
  for (const [name, f] of cases) {
    it(name, async () => {
      await initBackend({ backend: 'cpu' });
      const expected = values(f());
      await initBackend({ backend: 'wasm', threads: 1 });
      expect(values(f())).toEqual(expected);
    });
  }

  it('every kernel the models use exists on WASM; UnsortedSegmentSum does not', async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
    for (const k of REQUIRED_WASM_KERNELS) expect(tf.getKernel(k, 'wasm'), k).toBeDefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
  });

  it('gather checks index bounds', async () => {
    await initBackend({ backend: 'wasm', threads: 1 });
    expect(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([3], 'int32'))).toThrow(/index value 3 is not in \[0, 2\]/);
  });
});
