/**
 * Bootstrap confidence intervals and paired bootstrap significance, as sacreBLEU does them
 * (`--confidence` and `--paired-bs`): resample segments with replacement, recompute the corpus
 * score from summed per-segment sufficient statistics (no re-tokenising), 1000 resamples, seed
 * 12345 by default.
 *
 * - CI: sacreBLEU reports mean ± half the width between the 2.5% and 97.5% order statistics
 *   (indices n//40 and n − n//40 − 1 of the sorted scores for 95%); both that and the bounds
 *   themselves are returned.
 * - Paired test (Koehn 2004 / Moses' bootstrap-hypothesis-difference-significance.pl): the same
 *   resampled indices for both systems; p = (#{|Δ*| − mean|Δ*| > |Δ|} + 1) / (resamples + 1).
 *   One deliberate departure: when the full-set scores are equal (Δ = 0, e.g. identical outputs)
 *   p = 1. sacreBLEU's formula would give 1/(resamples+1) there, calling "no difference" significant.
 *
 * A resample is drawn as multiplicities per segment and each statistic column summed with those
 * weights, which touches memory sequentially (100k segments × 1000 resamples in a few seconds).
 */
import { seededPrng } from './prng.ts';

/** Per-segment sufficient statistics plus how to turn a column sum into the corpus score. */
export interface Resamplable {
  segments: number;
  /** Numbers per segment. */
  width: number;
  /** Row-major segments × width. */
  data: Float64Array;
  /** Corpus score from the column sums of (resampled) rows. */
  score(sum: Float64Array): number;
}

export interface BootstrapOptions {
  /** Default 1000 (sacreBLEU's). */
  resamples?: number;
  /** Default 12345 (sacreBLEU's SACREBLEU_SEED default). */
  seed?: number;
  /** Default 0.95. */
  confidence?: number;
}

export interface BootstrapCI {
  /** The score on the full set. */
  score: number;
  /** Mean of the resampled scores. */
  mean: number;
  /** Lower and upper order statistics of the resampled scores. */
  lower: number;
  upper: number;
  /** sacreBLEU's "± x": half the distance between lower and upper. */
  halfWidth: number;
  confidence: number;
  resamples: number;
  seed: number;
}

export interface PairedBootstrapResult {
  baseline: number;
  system: number;
  /** system − baseline on the full set. */
  delta: number;
  /** Two-sided p-value of |delta| under the bootstrap null. */
  pValue: number;
  /** The system's bootstrap CI from the same resamples. */
  systemCI: BootstrapCI;
  resamples: number;
  seed: number;
}

/** Column-major copy of the statistics: one tight loop per column is faster than row-by-row. */
function columns(r: Resamplable): Float64Array[] {
  const cols: Float64Array[] = [];
  for (let k = 0; k < r.width; k++) {
    const c = new Float64Array(r.segments);
    for (let i = 0; i < r.segments; i++) c[i] = r.data[i * r.width + k];
    cols.push(c);
  }
  return cols;
}

/** Column sums with each segment counted `weights[i]` times (all once when omitted). */
function columnSums(cols: Float64Array[], weights?: Int32Array): Float64Array {
  const sum = new Float64Array(cols.length);
  for (let k = 0; k < cols.length; k++) {
    const c = cols[k];
    let s = 0;
    if (weights) for (let i = 0; i < c.length; i++) s += weights[i] * c[i];
    else for (let i = 0; i < c.length; i++) s += c[i];
    sum[k] = s;
  }
  return sum;
}

function drawWeights(n: number, next: (n: number) => number, into: Int32Array): Int32Array {
  into.fill(0);
  for (let j = 0; j < n; j++) into[next(n)]++;
  return into;
}

function ciFrom(scores: number[], full: number, confidence: number, seed: number): BootstrapCI {
  const sorted = [...scores].sort((a, b) => a - b);
  const n = sorted.length;
  const lowerIdx = Math.floor((n * (1 - confidence)) / 2);
  const upperIdx = n - lowerIdx - 1;
  const lower = sorted[lowerIdx];
  const upper = sorted[upperIdx];
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  return { score: full, mean, lower, upper, halfWidth: 0.5 * (upper - lower), confidence, resamples: n, seed };
}

function resolve(o?: BootstrapOptions) {
  const resamples = o?.resamples ?? 1000;
  const seed = o?.seed ?? 12345;
  const confidence = o?.confidence ?? 0.95;
  if (!(resamples >= 1 && Number.isInteger(resamples))) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return { resamples, seed, confidence };
}

/** Bootstrap CI of a corpus score. */
export function bootstrapCI(metric: Resamplable, options?: BootstrapOptions): BootstrapCI {
  const { resamples, seed, confidence } = resolve(options);
  if (metric.segments === 0) throw new RangeError('cannot bootstrap an empty set');
  const rng = seededPrng(seed);
  const w = new Int32Array(metric.segments);
  const cols = columns(metric);
  const scores: number[] = [];
  for (let b = 0; b < resamples; b++) scores.push(metric.score(columnSums(cols, drawWeights(metric.segments, rng.nextInt, w))));
  return ciFrom(scores, metric.score(columnSums(cols)), confidence, seed);
}

/** Paired bootstrap resampling test of `system` against `baseline` (same segments, same order). */
export function pairedBootstrap(baseline: Resamplable, system: Resamplable, options?: BootstrapOptions): PairedBootstrapResult {
  const { resamples, seed, confidence } = resolve(options);
  if (baseline.segments !== system.segments) throw new RangeError(`baseline has ${baseline.segments} segments, system ${system.segments}`);
  if (baseline.segments === 0) throw new RangeError('cannot bootstrap an empty set');
  const rng = seededPrng(seed);
  const w = new Int32Array(baseline.segments);
  const blCols = columns(baseline);
  const sysCols = columns(system);
  const bl: number[] = [];
  const sys: number[] = [];
  for (let b = 0; b < resamples; b++) {
    drawWeights(baseline.segments, rng.nextInt, w);
    bl.push(baseline.score(columnSums(blCols, w)));
    sys.push(system.score(columnSums(sysCols, w)));
  }
  const blFull = baseline.score(columnSums(blCols));
  const sysFull = system.score(columnSums(sysCols));
  const realDiff = Math.abs(blFull - sysFull);
  const diffs = sys.map((s, i) => Math.abs(s - bl[i]));
  const meanDiff = diffs.reduce((a, b) => a + b, 0) / diffs.length;
  let c = 0;
  for (const d of diffs) if (d - meanDiff > realDiff) c++;
  return {
    baseline: blFull,
    system: sysFull,
    delta: sysFull - blFull,
    pValue: realDiff === 0 ? 1 : (c + 1) / (resamples + 1),
    systemCI: ciFrom(sys, sysFull, confidence, seed),
    resamples,
    seed
  };
}
