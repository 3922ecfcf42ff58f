/**
 * The runs list's filter: status, pipeline and a search over id, pipeline, file and status, kept
 * in the URL (?status=&pipeline=&q=) so a filtered list can be shared and survives a reload.
 */
import type { RunRow } from '$lib/runs';
import { shownStatus } from '$lib/runs';

export interface RunFilter {
  status: string;
  pipeline: string;
  q: string;
}

export function readFilter(p: URLSearchParams): RunFilter {
  return { status: p.get('status') ?? '', pipeline: p.get('pipeline') ?? '', q: p.get('q') ?? '' };
}

export function writeFilter(url: URL, f: RunFilter): URL {
  const u = new URL(url);
  for (const k of ['status', 'pipeline', 'q'] as const) {
    const v = f[k].trim();
    if (v) u.searchParams.set(k, v);
    else u.searchParams.delete(k);
  }
  return u;
}

export function matches(r: RunRow, f: RunFilter): boolean {
  if (f.status && shownStatus(r) !== f.status) return false;
  if (f.pipeline && r.pipeline !== f.pipeline) return false;
  const q = f.q.trim().toLowerCase();
  if (!q) return true;
  return [r.id, r.pipeline, r.file, shownStatus(r), r.rerun_of ?? ''].some((s) => s.toLowerCase().includes(q));
}
