/** Text rendering of a CompareResult for `tunebench compare` (the web page renders the same JSON). */
import type { CompareResult, MetricComparison } from '../../engine/eval/compare/index.ts';
import { renderTable } from '../format.ts';

/** A figure with about four significant digits (BLEU 12.34, ROUGE 0.1234, perplexity 53.12). */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function signed(x: number): string {
  return (x > 0 ? '+' : x < 0 ? '−' : '±') + fmt(Math.abs(x));
}

function pValue(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

function value(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function metricRow(m: MetricComparison, sides: number): string[] {
  const row = [`${m.metric} ${m.higher_is_better ? '↑' : '↓'}`, fmt(m.values[0])];
  for (let i = 1; i < sides; i++) {
    const t = m.tests[i];
    row.push(fmt(m.values[i]));
    row.push(t ? `${signed(t.delta)}${t.better === null ? '' : t.better ? ' better' : ' worse'}` : '—');
    row.push(t ? `${pValue(t.p_value)}${t.significant ? ' *' : ''}` : '—');
  }
  return row;
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s*\n\s*/g, ' ⏎ ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function formatComparison(r: CompareResult, opts: { maxParams?: number } = {}): string {
  const out: string[] = [];
  const names = r.sides.map((s) => s.name);
  const first = r.sides[0];
  if (r.kind === 'models') out.push(`Models of run ${first.run_id} (pipeline ${first.pipeline}, eval ${first.stage}): ${names.join(' vs ')} — baseline ${names[0]}`);
  else out.push(`Runs: ${r.sides.map((s) => `${s.name} (${s.pipeline}, eval ${s.stage}, ${s.model_description})`).join(' vs ')} — baseline ${names[0]}`);
  out.push(`${r.examples.compared} examples compared${r.examples.note ? ` — ${r.examples.note}` : ''}`);

  out.push('', 'Hyperparameters that differ');
  if (!r.params.length) out.push('  none');
  else {
    const max = opts.maxParams ?? 25;
    out.push(renderTable(['parameter', ...names], r.params.slice(0, max).map((p) => [p.path, ...p.values.map(value)]), 40));
    if (r.params.length > max) out.push(`  (${r.params.length - max} more; --json lists all)`);
  }

  out.push('', `Metrics (${r.test.method}, ${r.test.resamples} resamples, seed ${r.test.seed}; * = p < ${r.test.alpha}; ↑/↓ = higher/lower is better)`);
  const cols = ['metric', names[0]];
  for (const n of names.slice(1)) cols.push(n, `Δ ${n}`, 'p');
  out.push(renderTable(cols, r.metrics.map((m) => metricRow(m, names.length)), 40));
  for (const s of r.skipped) out.push(`  not compared: ${s.metric} (${s.reason})`);

  const d = r.disagreements;
  if (d.by && d.examples.length) {
    out.push('', `Examples where they differ most (by ${d.by})`);
    d.examples.forEach((x, k) => {
      const meta = x.metadata ? Object.entries(x.metadata).filter(([, v]) => v !== null).map(([k2, v]) => `${k2}=${v}`).join(' ') : '';
      out.push(`  [${k + 1}] example ${x.example_index[0]} · conversation ${x.conversation_id.slice(0, 12)}${meta ? ` · ${meta}` : ''} · spread ${fmt(x.spread)}`);
      out.push(`      reference: ${oneLine(x.reference, 110)}`);
      const w = Math.max(...names.map((n) => n.length));
      x.outputs.forEach((o, i) => out.push(`      ${names[i].padEnd(w)} (${fmt(x.scores[i])}): ${oneLine(o, 100)}`));
    });
  }
  return out.join('\n');
}
