import path from 'node:path';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseFlags } from '../args.ts';
import { formatBytes } from '../format.ts';
import { readRun, wsAbsolute, type StageStatus } from '../../engine/runs/index.ts';
import type { TrainStage } from '../../../dsl/plan.ts';

const usage = `Usage: tunebench export RUN_ID --format adapter|merged|int8 --out DIR [--stage NAME]
                        [--checkpoint final|best|last|epoch-N|step-N] [--force] [--json]

Exports a trained model of a run.
  --format adapter   a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors with
                     PEFT tensor names); LoRA stages only
  --format merged    a Hugging Face model folder with the adapter folded into the weights
  --format int8      the merged model with weight-only INT8 weights (per-channel float scales);
                     prints the size reduction and the validation-loss change
  --stage NAME       the train stage (needed when the run has several)
  --checkpoint C     final (default: the best when validated, else the last), best, last,
                     epoch-N or step-N (the checkpoints the stage kept)
  --force            replace a non-empty DIR
  --json             print the report as JSON`;

function outputName(c: string): string {
  if (c === 'final') return 'main';
  if (c === 'best' || c === 'last' || /^(epoch|step)-\d+$/.test(c)) return c;
  throw new UsageError(`--checkpoint must be final, best, last, epoch-N or step-N (got '${c}')`);
}

export const exportCommand: CliCommand = {
  name: 'export',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(
      ctx.argv,
      { format: { type: 'string' }, out: { type: 'string' }, stage: { type: 'string' }, checkpoint: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
      usage
    );
    if (positionals.length !== 1) throw new UsageError(`export needs one RUN_ID (see tunebench runs)\n\n${usage}`);
    const format = values.format;
    if (format !== 'adapter' && format !== 'merged' && format !== 'int8') throw new UsageError(`--format must be adapter, merged or int8\n\n${usage}`);
    if (!values.out) throw new UsageError(`--out DIR is required\n\n${usage}`);
    const ws = await ctx.workspace();
    let run;
    try {
      run = await readRun(ws, positionals[0]);
    } catch (e) {
      throw new UsageError((e as Error).message, 1);
    }
    const trained = run.status.stages.filter((s) => s.kind === 'train');
    if (!trained.length) throw new UsageError(`run ${run.id} has no train stage`, 1);
    let st: StageStatus | undefined;
    if (values.stage) {
      st = trained.find((s) => s.id === values.stage || s.name === values.stage);
      if (!st) throw new UsageError(`run ${run.id} has no train stage '${values.stage}' (it has: ${trained.map((s) => s.id).join(', ')})`, 1);
    } else if (trained.length > 1) throw new UsageError(`run ${run.id} has several train stages (${trained.map((s) => s.id).join(', ')}); name one with --stage`, 1);
    else st = trained[0];
    if (st.state !== 'succeeded') throw new UsageError(`train stage ${st.id} of run ${run.id} did not succeed (${st.state}); nothing to export`, 1);
    const want = outputName(values.checkpoint ?? 'final');
    const out = st.outputs[want];
    if (!out) throw new UsageError(`train stage ${st.id} kept no '${values.checkpoint}' checkpoint (it has: ${Object.keys(st.outputs).map((k) => (k === 'main' ? 'final' : k)).join(', ')})`, 1);

    const { exportCheckpoint } = await import('../../engine/train/export.ts');
    const { initBackend } = await import('../../engine/train/backend.ts');
    await initBackend();
    let validation = null;
    const planStage = run.plan.stages.find((s) => s.id === st.id) as TrainStage | undefined;
    if (format === 'int8' && planStage) {
      const v = planStage.inputs.find((i) => i.role === 'validation');
      const producer = v ? run.status.stages.find((s) => s.id === v.stage) : undefined;
      const parquet = v && producer ? producer.outputs[v.part ?? 'main'] : undefined;
      if (parquet) {
        const { readConversations } = await import('../../engine/train/data.ts');
        validation = await readConversations(wsAbsolute(ws, parquet.path));
      }
    }
    const report = await exportCheckpoint({
      source: wsAbsolute(ws, out.path),
      format,
      out: path.resolve(values.out),
      overwrite: Boolean(values.force),
      validation,
      maxLength: planStage?.params.max_length
    });
    // Retention keeps a model someone exported (engine/api/models/retention.ts).
    const { recordExport } = await import('../../engine/runs/export-log.ts');
    recordExport(ws, run.id, { stage: st.id, checkpoint: values.checkpoint ?? 'final', format, out: report.out });
    if (values.json) {
      ctx.io.out(JSON.stringify(report, null, 2));
      return 0;
    }
    ctx.io.out(`exported ${st.id}@${values.checkpoint ?? 'final'} (${path.basename(report.source)}) as ${format} → ${report.out}`);
    for (const f of report.files) ctx.io.out(`  ${f.name.padEnd(28)} ${formatBytes(f.bytes)}`);
    if (report.size) ctx.io.out(`weights: ${formatBytes(report.size.float32_bytes)} float32 → ${formatBytes(report.size.int8_bytes)} int8 (${(report.size.reduction * 100).toFixed(1)}% smaller)`);
    if (report.valid_loss) ctx.io.out(`validation loss: ${report.valid_loss.float32.toFixed(4)} float32 → ${report.valid_loss.int8.toFixed(4)} int8 (${report.valid_loss.change >= 0 ? '+' : ''}${report.valid_loss.change.toFixed(4)}, ${report.valid_loss.examples} examples)`);
    else if (format === 'int8') ctx.io.out('validation loss: not measured (the stage had no validation data)');
    return 0;
  }
};
