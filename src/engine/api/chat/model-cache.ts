/**
 * The generation worker's loaded models: at most `size` (TUNEBENCH_CHAT_CACHE, default 3),
 * least recently used evicted and disposed. A LoRA checkpoint is loaded with its adapter merged
 * into the base weights (one matMul per projection, as fast as the base model); a full
 * fine-tuning checkpoint or a base model folder loads as it is.
 */
import { loadModel, type LoadedModel } from '../../model/load.ts';
import { loadTrainedModel } from '../../train/load-trained.ts';
import type { ModelRef } from './protocol.ts';

export function cacheSizeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.TUNEBENCH_CHAT_CACHE ?? 3);
  return Number.isInteger(n) && n >= 1 ? n : 3;
}

export class ModelCache {
  private readonly models = new Map<string, LoadedModel>();

  constructor(private readonly size = cacheSizeFromEnv()) {}

  keys(): string[] {
    return [...this.models.keys()];
  }

  /** The loaded model, and how long loading took (0 when it was cached). */
  get(ref: ModelRef): { lm: LoadedModel; loadMs: number } {
    const hit = this.models.get(ref.key);
    if (hit) {
      this.models.delete(ref.key);
      this.models.set(ref.key, hit); // most recently used last
      return { lm: hit, loadMs: 0 };
    }
    const t0 = performance.now();
    const lm = ref.kind === 'base' ? loadModel(ref.dir) : loadTrainedModel(ref.dir, { merge: true });
    while (this.models.size >= this.size) {
      const [oldest, m] = this.models.entries().next().value as [string, LoadedModel];
      this.models.delete(oldest);
      m.dispose();
    }
    this.models.set(ref.key, lm);
    return { lm, loadMs: performance.now() - t0 };
  }
}
