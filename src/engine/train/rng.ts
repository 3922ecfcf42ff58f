/**
 * Seeded randomness for training: data order, LoRA initialisation and dropout. Each use draws
 * from its own stream (derived from the run's seed and a label), so changing one — say the
 * dropout rate — does not reshuffle the data. The state is one 32-bit integer, saved in
 * checkpoints so a resumed run draws exactly what the uninterrupted one would have.
 */

/** mulberry32 with an inspectable state. */
export class TrainRng {
  constructor(private s: number) {
    this.s = s >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  get state(): number {
    return this.s;
  }

  set state(v: number) {
    this.s = v >>> 0;
  }
}

/** FNV-1a over the label, mixed with the seed: a stable seed per (seed, label). */
export function streamSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  // One round of mulberry to spread nearby seeds apart.
  return new TrainRng(h).next() * 4294967296;
}

export function stream(seed: number, label: string): TrainRng {
  return new TrainRng(streamSeed(seed, label));
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T>(a: T[], rng: TrainRng): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
