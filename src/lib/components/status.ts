/**
 * Status words used across datasets, stages, runs and jobs, and the tone each one shows in.
 * Badges, the DAG view and run lists all map statuses here, so one status looks the same
 * everywhere.
 */
export type Tone = 'neutral' | 'ok' | 'warn' | 'err' | 'info' | 'run' | 'accent';

const TONES: Record<string, Tone> = {
  done: 'ok',
  succeeded: 'ok',
  success: 'ok',
  completed: 'ok',
  processed: 'ok',
  passed: 'ok',
  cached: 'info',
  pending: 'warn',
  queued: 'warn',
  will_run: 'warn',
  paused: 'warn',
  warning: 'warn',
  running: 'run',
  validating_files: 'run',
  uploading: 'run',
  failed: 'err',
  error: 'err',
  cancelled: 'neutral',
  canceled: 'neutral',
  skipped: 'neutral',
  expired: 'neutral'
};

export function statusTone(status: string): Tone {
  return TONES[status.toLowerCase()] ?? 'neutral';
}

/** "validating_files" → "validating files"; "pending" reads "will run" for stages. */
export function statusLabel(status: string): string {
  return status.replace(/_/g, ' ');
}

/** Whether the status means work is in progress (badges pulse). */
export function isActiveStatus(status: string): boolean {
  return statusTone(status) === 'run';
}
