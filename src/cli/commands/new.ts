/**
 * `tunebench new`: the web app's "new fine-tuning task" form on the command line. Writes
 * pipelines/NAME.ftp from the same generator (src/lib/pipeline-task.ts), checked against the
 * workspace first; the text is the pipeline from then on.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { intFlag, numberFlag, parseFlags } from '../args.ts';
import { checkWithFacts, hasErrors, renderDiagnostics, summarize } from '../../../dsl/index.ts';
import { gatherFacts } from '../../engine/facts.ts';
import { DEFAULT_TASK, taskErrors, taskToFtp, type TaskForm } from '../../lib/pipeline-task.ts';

const usage = `Usage: tunebench new NAME --base MODEL --data DATASET [options]

Writes pipelines/NAME.ftp: a fine-tuning task (the web app's "new fine-tuning task" form), after
checking it against the workspace. Edit the file afterwards; run it with tunebench run.

  --base MODEL          base model (tunebench models lists them)
  --data DATASET        training data: a workspace dataset, split into train/val/test unless
                        --validation is given
  --split VAL,TEST      validation and test percentages of the split (default 10,10)
  --seed N              split seed (default 42)
  --validation DATASET  a separate validation dataset (then --data is all training data)
  --evaluation DATASET  a separate evaluation dataset (default: the validation data)
  --method lora|full    training method (default lora)
  --epochs N  --learning-rate X  --batch-size N  --max-length N  --rank N  --alpha N
  --metrics a,b,...     evaluation metrics (default bleu,rougeL; none: --metrics "")
  --label COLUMN        label column for intent_accuracy / intent_f1
  --description TEXT    what the model is for
  --print               print the pipeline instead of writing it`;

export const newCommand: CliCommand = {
  name: 'new',
  usage,
  async run(ctx) {
    const { values: v, positionals } = parseFlags(
      ctx.argv,
      {
        base: { type: 'string' },
        data: { type: 'string' },
        split: { type: 'string' },
        seed: { type: 'string' },
        validation: { type: 'string' },
        evaluation: { type: 'string' },
        method: { type: 'string' },
        epochs: { type: 'string' },
        'learning-rate': { type: 'string' },
        'batch-size': { type: 'string' },
        'max-length': { type: 'string' },
        rank: { type: 'string' },
        alpha: { type: 'string' },
        metrics: { type: 'string' },
        label: { type: 'string' },
        description: { type: 'string' },
        print: { type: 'boolean' }
      },
      usage
    );
    if (positionals.length !== 1) throw new UsageError(`new needs one NAME\n\n${usage}`);
    if (v.method !== undefined && v.method !== 'lora' && v.method !== 'full') throw new UsageError(`--method is lora or full, got '${v.method}'`);
    const [val, test] = (v.split ?? '10,10').split(',').map((x) => Number(x.replace('%', '')));
    if (!Number.isFinite(val) || !Number.isFinite(test)) throw new UsageError(`--split expects VAL,TEST percentages, e.g. 10,10; got '${v.split}'`);
    const d = DEFAULT_TASK;
    const task: TaskForm = {
      name: positionals[0],
      description: v.description ?? '',
      method: (v.method as TaskForm['method'] | undefined) ?? d.method,
      base: v.base ?? '',
      epochs: intFlag(v.epochs, 'epochs', d.epochs)!,
      learningRate: numberFlag(v['learning-rate'], 'learning-rate', d.learningRate)!,
      batchSize: intFlag(v['batch-size'], 'batch-size', d.batchSize)!,
      maxLength: intFlag(v['max-length'], 'max-length', d.maxLength)!,
      rank: intFlag(v.rank, 'rank', d.rank)!,
      alpha: numberFlag(v.alpha, 'alpha', d.alpha)!,
      data: v.validation ? { kind: 'datasets', train: v.data ?? '', validation: v.validation, evaluation: v.evaluation ?? null } : { kind: 'split', dataset: v.data ?? '', validation: val, test, seed: intFlag(v.seed, 'seed', 42)! },
      metrics: v.metrics === undefined ? d.metrics : v.metrics.split(',').map((m) => m.trim()).filter(Boolean),
      labelColumn: v.label ?? null
    };
    const problems = Object.entries(taskErrors(task));
    if (problems.length) throw new UsageError(problems.map(([k, m]) => `${k}: ${m}`).join('\n'));

    const source = taskToFtp(task);
    const ws = await ctx.workspace();
    const file = path.join(ws.pipelinesDir, `${task.name}.ftp`);
    const shown = path.relative(process.cwd(), file) || file;
    const { result } = await checkWithFacts(source, (needs) => gatherFacts(ws, needs, ctx.env));
    if (hasErrors(result.diagnostics)) {
      ctx.io.err(renderDiagnostics(result.diagnostics, source, shown, { color: false }));
      ctx.io.err(`${shown}: ${summarize(result.diagnostics)}; nothing was written`);
      return 1;
    }
    if (v.print) {
      ctx.io.out(source);
      return 0;
    }
    await fsp.mkdir(ws.pipelinesDir, { recursive: true });
    try {
      await fsp.writeFile(file, source, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${shown} already exists; choose another NAME`, 1);
      throw e;
    }
    ctx.io.out(`wrote ${shown}: it checks. Next: tunebench plan ${shown} · tunebench run ${shown}`);
    return 0;
  }
};
