/**
 * Choosing the next token from a row of logits: greedy (temperature 0) or sampling with
 * temperature, top-k and top-p (nucleus), in that order (as Hugging Face's logits warpers), from a
 * seeded PRNG so a seed reproduces a generation exactly on any backend whose logits agree.
 */
import { Rng } from '../util/rng.ts';

export { Rng };

export interface SamplingOptions {
  /** 0 (default) = greedy. */
  temperature?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches top_p (1 = off). */
  topP?: number;
  /** Keep the k most likely tokens (0 = off). */
  topK?: number;
}

/** Index of the largest value; the lowest index on ties (as torch.argmax). */
export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

export function validateSampling(o: SamplingOptions): void {
  if (o.temperature !== undefined && !(o.temperature >= 0 && Number.isFinite(o.temperature))) throw new Error(`temperature must be >= 0 (got ${o.temperature})`);
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) throw new Error(`top_p must be in (0, 1] (got ${o.topP})`);
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 0)) throw new Error(`top_k must be a whole number >= 0 (got ${o.topK})`);
}

/** Picks the next token id from `logits` (one row of the vocabulary). */
export function pickToken(logits: ArrayLike<number>, opts: SamplingOptions, rng: Rng): number {
  const temp = opts.temperature ?? 0;
  if (temp === 0) return argmax(logits);
  const v = logits.length;
  // Candidates sorted by logit, best first; top-k cuts the list before any softmax.
  let order = Array.from({ length: v }, (_, i) => i);
  const k = opts.topK && opts.topK > 0 ? Math.min(opts.topK, v) : v;
  order.sort((a, b) => logits[b] - logits[a] || a - b);
  if (k < v) order = order.slice(0, k);
  const max = logits[order[0]];
  const probs = order.map((i) => Math.exp((logits[i] - max) / temp));
  let total = probs.reduce((s, p) => s + p, 0);
  const topP = opts.topP ?? 1;
  let keep = probs.length;
  if (topP < 1) {
    let cum = 0;
    for (let i = 0; i < probs.length; i++) {
      cum += probs[i] / total;
      if (cum >= topP) {
        keep = i + 1;
        break;
      }
    }
    total = probs.slice(0, keep).reduce((s, p) => s + p, 0);
  }
  let r = rng.next() * total;
  for (let i = 0; i < keep; i++) {
    r -= probs[i];
    if (r < 0) return order[i];
  }
  return order[keep - 1];
}
