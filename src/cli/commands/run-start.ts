/** Starts a run (fresh or rerun) and renders it: shared by `tunebench run` and `tunebench rerun`. */
import type { CliContext } from '../command.ts';
import { PipelineCheckError, rerun, startRun, type PipelineText, type StartedRun, type StartOptions } from '../../engine/runs/index.ts';
import { cancelOnSigint, printCheckError, runReporter } from './run-display.ts';

export { PipelineCheckError };

export async function renderStartedRun(ctx: CliContext, text: PipelineText | { rerunOf: string }, opts: { json: boolean }): Promise<number> {
  const ws = await ctx.workspace();
  const sigint = cancelOnSigint(ctx.io);
  const reporter = runReporter(ctx.io);
  const startOpts: StartOptions = { origin: 'cli', env: ctx.env, signal: sigint.signal, onEvent: opts.json ? undefined : reporter.onEvent };
  let started: StartedRun;
  try {
    started = 'rerunOf' in text ? await rerun(ws, text.rerunOf, startOpts) : await startRun(ws, text, startOpts);
  } catch (e) {
    sigint.dispose();
    if (e instanceof PipelineCheckError) return printCheckError(ctx, e);
    throw e;
  }
  try {
    reporter.setWidth(Math.max(...started.plan.stages.map((s) => s.id.length)));
    if (!opts.json) {
      for (const w of started.warnings) ctx.io.err(`warning[${w.code}]: ${w.message}`);
      ctx.io.err(`run ${started.runId}: pipeline ${started.plan.pipeline}, ${started.plan.stages.length} stages${'rerunOf' in text ? ` (rerun of ${text.rerunOf})` : ''}`);
    }
    const status = await started.done;
    if (opts.json) {
      ctx.io.out(JSON.stringify(status, null, 2));
      return status.status === 'succeeded' ? 0 : status.status === 'cancelled' ? 130 : 1;
    }
    return reporter.finish(status);
  } finally {
    sigint.dispose();
  }
}
