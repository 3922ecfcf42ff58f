import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseFlags } from '../args.ts';
import { readFeedback } from '../../engine/api/feedback/store.ts';

const usage = `Usage: tunebench feedback [--json]
       tunebench feedback export [--json]

Playground feedback (thumbs up/down and edits on answers, kept in .tunebench/feedback/).
  (none)   counts: answers rated up, down, edited, and by model
  export   writes the datasets feedback_sft (accepted and corrected answers) and feedback_pairs
           (preferred vs rejected answers, the rejected one in the column 'rejected'), with
           catalog lineage 'feedback', plus .tunebench/feedback/exports/feedback_dpo.jsonl
           (OpenAI's preference format); the same as the playground's "Export as datasets"
  --json   machine-readable output`;

export const feedbackCommand: CliCommand = {
  name: 'feedback',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.argv, { json: { type: 'boolean' } }, usage);
    const ws = await ctx.workspace();
    if (positionals[0] === 'export' && positionals.length === 1) {
      const { exportFeedback } = await import('../../engine/api/feedback/export.ts');
      let r;
      try {
        r = await exportFeedback(ws);
      } catch (e) {
        throw new UsageError((e as Error).message, 1);
      }
      if (values.json) ctx.io.out(JSON.stringify(r, null, 2));
      else {
        ctx.io.out(`exported feedback from ${r.entries} answers:`);
        for (const d of r.datasets) ctx.io.out(`  ${d.name.padEnd(16)} ${d.version === null ? 'nothing to export' : `v${d.version}, ${d.rows} rows (${d.status})`}`);
        ctx.io.out(`  DPO JSON Lines   ${r.files.dpo}`);
      }
      return 0;
    }
    if (positionals.length) throw new UsageError(`unknown feedback command '${positionals.join(' ')}'\n\n${usage}`);
    const entries = readFeedback(ws);
    const counts = { answers: entries.length, up: entries.filter((e) => e.rating === 'up').length, down: entries.filter((e) => e.rating === 'down').length, edited: entries.filter((e) => e.edited !== null).length };
    const byModel: Record<string, number> = {};
    for (const e of entries) byModel[e.model] = (byModel[e.model] ?? 0) + 1;
    if (values.json) ctx.io.out(JSON.stringify({ ...counts, by_model: byModel }, null, 2));
    else if (!entries.length) ctx.io.out('No feedback yet: rate or edit answers in the playground (npm start, then /playground).');
    else {
      ctx.io.out(`${counts.answers} answers: ${counts.up} up, ${counts.down} down, ${counts.edited} edited`);
      for (const [m, n] of Object.entries(byModel)) ctx.io.out(`  ${n.toString().padStart(5)}  ${m}`);
    }
    return 0;
  }
};
