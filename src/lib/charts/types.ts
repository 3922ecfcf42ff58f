/** Data shapes the charts take (LineSeries and Point live in series.ts). */

export interface HistogramBin {
  x0: number;
  x1: number;
  count: number;
}

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

/** Stage states in a plan: cached (reused), pending (will run), running, done, failed, skipped. */
export type DagStatus = 'cached' | 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface DagNode {
  id: string;
  label: string;
  status: DagStatus;
  /** Second line: the stage kind, a duration, "cache hit". */
  detail?: string;
}

export interface DagEdge {
  from: string;
  to: string;
}
