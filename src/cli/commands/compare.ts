import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { intFlag, numberFlag, parseFlags } from '../args.ts';
import { formatComparison } from './compare-format.ts';

const usage = `Usage: tunebench compare RUN_A RUN_B [RUN ...] [options]
       tunebench compare RUN [--models base,tuned] [options]

Compares evaluations. With several runs: one model of each run's eval (write RUN:MODEL to pick
it; default --model, else the eval's last model); the first run is the baseline. With one run:
the models of its eval, e.g. base against tuned (the first listed is the baseline).

Shows the hyperparameters that differ, every shared metric side by side with its difference
from the baseline and a paired bootstrap test (same resampled examples for both sides), and the
examples where the sides differ most, with their outputs. Runs that evaluated different
examples are compared on the examples they share (matched by conversation_id).

  --stage S       the eval stage (default: each run's last finished eval)
  --model M       the model of each run (default: the eval's last model)
  --models A,B    with one run: the models to compare, baseline first (default: all)
  --by METRIC     rank examples by this per-example metric (default rougeL, else the first)
  --top N         examples to show (default 5)
  --alpha A       significance level (default 0.05)
  --resamples N   bootstrap resamples (default: the eval's, else 1000)
  --seed N        bootstrap seed (default: the eval's)
  --json          the comparison as JSON (the format the web Compare page reads)

Example: tunebench compare 20261121-172501-3e7a9c 20261121-180312-77ab01:tuned --by bleu`;

export const compareCommand: CliCommand = {
  name: 'compare',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(
      ctx.argv,
      {
        stage: { type: 'string' },
        model: { type: 'string' },
        models: { type: 'string' },
        by: { type: 'string' },
        top: { type: 'string' },
        alpha: { type: 'string' },
        resamples: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' }
      },
      usage
    );
    if (!positionals.length) throw new UsageError(`compare needs a run id (its models) or two or more run ids\n\n${usage}`);
    if (values.models && positionals.length > 1) throw new UsageError('--models is for comparing the models of one run');
    const alpha = numberFlag(values.alpha, 'alpha');
    if (alpha !== undefined && !(alpha > 0 && alpha < 1)) throw new UsageError(`--alpha must be between 0 and 1, got ${alpha}`);
    const resamples = intFlag(values.resamples, 'resamples');
    if (resamples !== undefined && resamples < 1) throw new UsageError('--resamples must be at least 1');
    const top = intFlag(values.top, 'top');
    if (top !== undefined && top < 0) throw new UsageError('--top must be 0 or more');
    const opts = { stage: values.stage ?? null, model: values.model ?? null, by: values.by ?? null, top, alpha, resamples, seed: intFlag(values.seed, 'seed') };
    const ws = await ctx.workspace();
    const { compareRuns, compareModels, CompareError } = await import('../../engine/eval/compare/index.ts');
    try {
      const result =
        positionals.length === 1
          ? await compareModels(ws, positionals[0], { ...opts, models: values.models?.split(',').map((s) => s.trim()).filter(Boolean) })
          : await compareRuns(ws, positionals, opts);
      ctx.io.out(values.json ? JSON.stringify(result, null, 2) : formatComparison(result));
      return 0;
    } catch (e) {
      if (e instanceof CompareError) throw new UsageError(e.message, 1);
      throw e;
    }
  }
};
