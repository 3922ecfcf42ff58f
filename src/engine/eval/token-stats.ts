/**
 * Perplexity and mean token accuracy from per-token numbers supplied by the model code
 * (natural-log negative log-likelihood per target token; whether the argmax token was right).
 *
 * Both are token-weighted over the split ("micro"): perplexity = exp(Σ loss / Σ tokens),
 * accuracy = Σ correct / Σ tokens — the numbers `exp(eval_loss)` and a token-level accuracy give
 * when every token counts once. Sums use Neumaier compensation so long splits do not drift.
 */

/** One example's sufficient statistics. */
export interface TokenStats {
  /** Σ of per-token NLL (nats) over the example's target tokens. */
  lossSum: number;
  /** Number of target tokens scored. */
  tokens: number;
  /** Number of target tokens whose argmax prediction was right (optional). */
  correct?: number;
}

/** Reduces per-token arrays of one example to TokenStats. */
export function exampleTokenStats(losses: ArrayLike<number>, correct?: ArrayLike<number | boolean>): TokenStats {
  const lossSum = neumaierSum(losses);
  if (correct && correct.length !== losses.length) throw new RangeError(`${losses.length} token losses but ${correct.length} correctness flags`);
  let c = 0;
  if (correct) for (let i = 0; i < correct.length; i++) if (correct[i]) c++;
  return correct ? { lossSum, tokens: losses.length, correct: c } : { lossSum, tokens: losses.length };
}

export function neumaierSum(values: ArrayLike<number>): number {
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + comp;
}

export interface PerplexityResult {
  /** exp(mean token loss); ≥ 1, lower is better. NaN when there are no tokens. */
  perplexity: number;
  /** Mean per-token NLL in nats. */
  meanLoss: number;
  tokens: number;
  examples: number;
}

export function perplexity(examples: readonly TokenStats[]): PerplexityResult {
  const tokens = examples.reduce((a, e) => a + e.tokens, 0);
  const loss = neumaierSum(examples.map((e) => e.lossSum));
  const meanLoss = tokens > 0 ? loss / tokens : NaN;
  return { perplexity: Math.exp(meanLoss), meanLoss, tokens, examples: examples.length };
}

export interface TokenAccuracyResult {
  /** Σ correct / Σ tokens, 0–1. NaN when there are no tokens. */
  accuracy: number;
  correct: number;
  tokens: number;
}

export function meanTokenAccuracy(examples: readonly TokenStats[]): TokenAccuracyResult {
  let correct = 0;
  let tokens = 0;
  for (const e of examples) {
    if (e.correct === undefined) throw new RangeError('meanTokenAccuracy needs `correct` counts for every example');
    correct += e.correct;
    tokens += e.tokens;
  }
  return { accuracy: tokens > 0 ? correct / tokens : NaN, correct, tokens };
}
