/**
 * Seeded randomness for training: data order, LoRA initialisation and dropout. Each use draws
 * from its own stream (derived from the run's seed and a label), so changing one — say the
 * dropout rate — does not reshuffle the data. The state is one 32-bit integer, saved in
 * checkpoints so a resumed run draws exactly what the uninterrupted one would have.
 */

import { Rng } from '../util/rng.ts';

/** The training streams' generator (util/rng.ts: mulberry32 with an inspectable state). */
export { Rng as TrainRng };
type TrainRng = Rng;

/** FNV-1a over the label, mixed with the seed: a stable seed per (seed, label). */
export function streamSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  // One round of mulberry to spread nearby seeds apart.
  return new Rng(h).next() * 4294967296;
}

export function stream(seed: number, label: string): TrainRng {
  return new Rng(streamSeed(seed, label));
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T>(a: T[], rng: TrainRng): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
