/**
 * The learning-rate schedule: linear warmup from 0 to the peak, then cosine or linear decay to
 * `minRatio`·peak at the last step, or constant. Steps count optimizer updates from 0; the rate
 * used for update `step` is lrAt(step) (HF's get_cosine_schedule_with_warmup shape, with
 * nanoGPT's optional floor).
 */

export type ScheduleKind = 'cosine' | 'linear' | 'constant';

export interface Schedule {
  kind: ScheduleKind;
  peak: number;
  warmupSteps: number;
  totalSteps: number;
  /** Floor as a fraction of the peak (0: decay to zero, as HF does). */
  minRatio: number;
}

export function lrAt(s: Schedule, step: number): number {
  if (s.warmupSteps > 0 && step < s.warmupSteps) return (s.peak * (step + 1)) / (s.warmupSteps + 1);
  if (s.kind === 'constant') return s.peak;
  const span = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - s.warmupSteps) / span));
  const floor = s.peak * s.minRatio;
  const shape = s.kind === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
  return floor + (s.peak - floor) * shape;
}

/** Warmup steps from the Plan's form: N steps, or a share of all steps. */
export function warmupSteps(w: { unit: 'steps'; value: number } | { unit: 'ratio'; value: number }, totalSteps: number): number {
  const n = w.unit === 'steps' ? w.value : Math.round(w.value * totalSteps);
  return Math.max(0, Math.min(n, Math.max(0, totalSteps - 1)));
}
