/**
 * Key/value cache for incremental decoding. Per layer it holds k and v as [B·Hkv, L, hd] (the
 * attention layout of attention.ts), grown by concatenation along L at each step.
 *
 * Why growing rather than pre-allocated: TensorFlow.js tensors are immutable, so writing into a
 * pre-allocated buffer would itself copy the buffer every step; concat copies only what exists
 * (O(L·hd) per layer and step, negligible next to the matMuls for the model sizes we run).
 *
 * The cache owns its tensors (kept outside any tidy scope); call dispose() when done.
 */
import * as tf from '@tensorflow/tfjs-core';

export class KvCache {
  private readonly k: (tf.Tensor3D | null)[];
  private readonly v: (tf.Tensor3D | null)[];
  /** Positions already cached. */
  length = 0;
  /** Per sequence, 1 = real token, 0 = padding, over the cached positions (null: no padding). */
  keyMask: number[][] | null = null;

  constructor(
    readonly layers: number,
    readonly batch: number
  ) {
    this.k = new Array(layers).fill(null);
    this.v = new Array(layers).fill(null);
  }

  /**
   * Appends this step's keys and values for `layer` and returns the full k and v. The returned
   * tensors belong to the cache: do not dispose them.
   */
  append(layer: number, kNew: tf.Tensor3D, vNew: tf.Tensor3D): { k: tf.Tensor3D; v: tf.Tensor3D } {
    const oldK = this.k[layer];
    const oldV = this.v[layer];
    const k = tf.keep(oldK ? (tf.concat([oldK, kNew], 1) as tf.Tensor3D) : kNew.clone());
    const v = tf.keep(oldV ? (tf.concat([oldV, vNew], 1) as tf.Tensor3D) : vNew.clone());
    oldK?.dispose();
    oldV?.dispose();
    this.k[layer] = k;
    this.v[layer] = v;
    return { k, v };
  }

  /** Marks `n` more positions as cached (after every layer appended them). */
  advance(n: number, newMask?: number[][]): void {
    if (newMask) this.keyMask = newMask.map((r) => r.slice());
    else if (this.keyMask) this.keyMask = this.keyMask.map((r) => [...r, ...new Array(n).fill(1)]);
    this.length += n;
  }

  /** Bytes held by the cached tensors. */
  bytes(): number {
    let n = 0;
    for (const t of [...this.k, ...this.v]) if (t) n += t.size * 4;
    return n;
  }

  dispose(): void {
    for (let i = 0; i < this.layers; i++) {
      this.k[i]?.dispose();
      this.v[i]?.dispose();
      this.k[i] = null;
      this.v[i] = null;
    }
    this.length = 0;
  }
}
