/** Latency helpers shared by the server benchmarks. */

/** The p-th percentile (nearest rank) of `xs`; NaN when empty. */
export function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Milliseconds for one GET /api/health of the server at `url`, body read. */
export async function timedGet(url: string): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(`${url}/api/health`);
  await r.arrayBuffer();
  if (!r.ok) throw new Error(`GET /api/health: ${r.status}`);
  return performance.now() - t0;
}
