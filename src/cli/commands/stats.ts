import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseFlags } from '../args.ts';
import { formatBytes, renderTable } from '../format.ts';
import type { Distribution } from '../../engine/data/stats.ts';

const usage = `Usage: tunebench stats NAME[@VERSION] [--json]

Shows a dataset's messages by role, the distribution of turns and characters, exact duplicates,
metadata value counts (intent, style, ...) and training weights.

  --json   machine-readable output (histogram bins included)`;

const n = (x: number) => x.toLocaleString('en-US');

function distLine(label: string, d: Distribution): string[] {
  const peak = Math.max(1, ...d.bins.map((b) => b.count));
  const bars = ' ▁▂▃▄▅▆▇█';
  const spark = d.bins.map((b) => bars[Math.min(8, Math.ceil((b.count / peak) * 8))]).join('');
  return [`${label}: min ${n(d.min)}  p5 ${n(d.p5)}  median ${n(d.median)}  mean ${n(d.mean)}  p95 ${n(d.p95)}  max ${n(d.max)}`, `  ${n(d.min)} ${spark} ${n(d.max)}`];
}

export const statsCommand: CliCommand = {
  name: 'stats',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.argv, { json: { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new UsageError(`stats needs exactly one dataset NAME\n\n${usage}`);
    const ws = await ctx.workspace();
    const { datasetStats } = await import('../../engine/data/stats.ts');
    const s = await datasetStats(ws, positionals[0]);
    if (values.json) {
      ctx.io.out(JSON.stringify(s, null, 2));
      return 0;
    }
    const out: string[] = [];
    out.push(`${s.name} v${s.version}: ${n(s.rows)} conversations, ${n(s.messages)} messages, ${formatBytes(s.bytes)}`);
    out.push('');
    out.push(renderTable(['role', 'messages', 'conversations', 'chars'], s.byRole.map((r) => [r.role, r.messages, r.conversations, r.chars])));
    out.push('');
    out.push(...distLine('turns', s.turns), ...distLine('chars', s.chars));
    out.push('');
    out.push(s.duplicates.rows ? `duplicates: ${n(s.duplicates.rows)} rows repeat an earlier conversation (${n(s.duplicates.groups)} groups; most repeated: ${s.duplicates.examples.slice(0, 3).map((e) => `lines ${e.lines.slice(0, 4).join(',')} ×${e.count}`).join('; ')})` : 'duplicates: none');
    out.push(`weights: ${n(s.weights.trainedMessages)} messages trained on; ${n(s.weights.untrainableConversations)} conversations with nothing to train on`);
    for (const m of s.metadata) {
      out.push('');
      out.push(`${m.column}: ${n(m.distinct)} distinct values${m.nulls ? `, ${n(m.nulls)} NULL` : ''}`);
      out.push(renderTable(['value', 'rows'], m.top.slice(0, 12).map((t) => [t.value, t.count]), 50));
    }
    ctx.io.out(out.join('\n'));
    return 0;
  }
};
