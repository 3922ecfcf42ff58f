import type { CliCommand } from '../command.ts';
import { intFlag, parseFlags } from '../args.ts';
import { formatDuration, renderTable } from '../format.ts';
import { listRuns } from '../../engine/runs/index.ts';

const usage = `Usage: tunebench runs [--json] [--limit N] [--pipeline NAME]

Lists the recorded runs, newest first: id, pipeline, status, start, duration, stages (of which
from the cache), and key metrics when a run has them (training loss, eval scores).
  --json           the list as JSON
  --limit N        at most N runs (default 50)
  --pipeline NAME  only runs of this pipeline`;

const KEY_METRICS = ['train_loss', 'valid_loss', 'full_valid_loss', 'valid_mean_token_accuracy'];

function metricText(m: Record<string, number>): string {
  const keys = [...KEY_METRICS.filter((k) => k in m), ...Object.keys(m).filter((k) => !KEY_METRICS.includes(k) && k.includes('.'))].slice(0, 4);
  return keys.map((k) => `${k}=${Number.isInteger(m[k]) ? m[k] : m[k].toFixed(4)}`).join(' ');
}

export const runsCommand: CliCommand = {
  name: 'runs',
  usage,
  async run(ctx) {
    const { values } = parseFlags(ctx.argv, { json: { type: 'boolean' }, limit: { type: 'string' }, pipeline: { type: 'string' } }, usage);
    const ws = await ctx.workspace();
    const { runs, skipped } = await listRuns(ws, { limit: intFlag(values.limit, 'limit', 50), pipeline: values.pipeline });
    if (values.json) {
      ctx.io.out(JSON.stringify(runs, null, 2));
      return 0;
    }
    if (!runs.length) {
      ctx.io.out('no runs yet: tunebench run pipelines/FILE.ftp');
      return 0;
    }
    const rows = runs.map((r) => [
      r.run_id,
      r.pipeline,
      r.stale ? `${r.status} (stale)` : r.status,
      (r.started_at ?? r.created_at).replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      r.elapsed_ms !== null ? formatDuration(r.elapsed_ms) : '',
      `${r.stages} (${r.cache_hits} cached)`,
      r.failed_stage ? `failed at ${r.failed_stage}` : metricText(r.metrics)
    ]);
    ctx.io.out(renderTable(['run', 'pipeline', 'status', 'started (UTC)', 'duration', 'stages', 'metrics'], rows));
    if (skipped.length) ctx.io.err(`${skipped.length} unreadable run folder${skipped.length === 1 ? '' : 's'} skipped: ${skipped.join(', ')}`);
    return 0;
  }
};
