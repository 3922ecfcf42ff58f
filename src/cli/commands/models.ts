import type { CliCommand, CliContext } from '../command.ts';
import { UsageError } from '../command.ts';
import { intFlag, parseFlags } from '../args.ts';
import { formatBytes, renderTable } from '../format.ts';
import { listModels, registerModel, type ModelEntry } from '../../engine/model/registry.ts';
import { initModel, PRESETS } from '../../engine/model/init.ts';
import { existingWorkspace } from './model-shared.ts';

const presetLines = Object.entries(PRESETS)
  .map(([name, p]) => `    ${name.padEnd(12)} ${p.arch.padEnd(6)} ${p.description}`)
  .join('\n');

const usage = `Usage: tunebench models [--json]
       tunebench models add PATH [--name NAME] [--json]
       tunebench models init --arch llama|gpt2 --preset PRESET --out DIR [--seed N] [--tokenizer DIR] [--force] [--json]
       tunebench models presets [--json]
       tunebench models tuned [--json]
       tunebench models pin|unpin|delete MODEL_ID [--json]

Lists the base models tunebench knows: registered ones (models add), model folders in the
workspace's .tunebench/models/, and folders named by TUNEBENCH_MODELS (colon-separated; each is a
model folder or contains model folders). A model folder is a Hugging Face folder with config.json,
model.safetensors (or a sharded index) and tokenizer.json.

  add PATH             register a model folder under NAME (default: the folder's name); the
                       absolute path is stored, the weights are not copied
  init                 write a randomly initialised model of a named shape:
${presetLines}
    --seed N           weights seed (default 0)
    --tokenizer DIR    copy this folder's tokenizer (the model's vocab follows it); without it a
                       byte-level placeholder tokenizer of the preset's vocab size is written
    --force            overwrite a non-empty --out folder
  presets              list the init presets and where their shapes come from
  tuned                list the fine-tuned models (of runs' train stages and of API jobs) with
                       their retention: unless pinned or exported, one expires
                       TUNEBENCH_MODEL_RETENTION (default 15d) after training
  pin, unpin ID        keep a fine-tuned model for good, or let it expire again
  delete ID            delete a fine-tuned model's checkpoints (its run and exports stay)
  --json               machine-readable output`;

function entryJson(e: ModelEntry) {
  return {
    name: e.name,
    path: e.path,
    source: e.source,
    arch: e.arch,
    model_type: e.modelType,
    parameters: e.parameters,
    vocab_size: e.vocabSize,
    max_positions: e.maxPositions,
    weight_bytes: e.weightBytes,
    has_tokenizer: e.hasTokenizer,
    error: e.error
  };
}

function formatCount(n: number | null): string {
  if (n === null) return '?';
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}K`;
  return String(n);
}

async function list(ctx: CliContext, json: boolean): Promise<number> {
  const models = await listModels(await existingWorkspace(ctx), ctx.env);
  if (json) {
    ctx.io.out(JSON.stringify(models.map(entryJson), null, 2));
    return 0;
  }
  if (models.length === 0) {
    ctx.io.out('No models yet. Register one with: tunebench models add PATH, or set TUNEBENCH_MODELS=DIR[:DIR...]');
    return 0;
  }
  const rows = models.map((m) => [m.name, m.arch ?? 'error', formatCount(m.parameters), m.vocabSize, m.weightBytes === null ? '?' : formatBytes(m.weightBytes), m.source, m.error ?? m.path]);
  ctx.io.out(renderTable(['name', 'arch', 'params', 'vocab', 'size', 'source', 'path'], rows, 70));
  return 0;
}

export const modelsCommand: CliCommand = {
  name: 'models',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(
      ctx.argv,
      {
        json: { type: 'boolean' },
        name: { type: 'string' },
        arch: { type: 'string' },
        preset: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        tokenizer: { type: 'string' },
        force: { type: 'boolean' }
      },
      usage
    );
    const [sub, ...rest] = positionals;
    const json = Boolean(values.json);
    if (sub === undefined || sub === 'list') return list(ctx, json);
    if (sub === 'presets') {
      const rows = Object.entries(PRESETS).map(([name, p]) => ({ name, arch: p.arch, description: p.description, source: p.source }));
      ctx.io.out(json ? JSON.stringify(rows, null, 2) : renderTable(['preset', 'arch', 'shape', 'source'], rows.map((r) => [r.name, r.arch, r.description, r.source]), 90));
      return 0;
    }
    if (sub === 'add') {
      if (rest.length !== 1) throw new UsageError(`models add needs exactly one PATH\n\n${usage}`);
      const ws = await ctx.workspace();
      let e: ModelEntry;
      try {
        e = await registerModel(ws, rest[0], values.name);
      } catch (err) {
        throw new UsageError((err as Error).message, 1);
      }
      ctx.io.out(json ? JSON.stringify(entryJson(e)) : `registered '${e.name}' → ${e.path} (${e.arch}, ${formatCount(e.parameters)} parameters)`);
      return 0;
    }
    if (sub === 'init') {
      if (values.arch !== 'llama' && values.arch !== 'gpt2') throw new UsageError(`--arch must be llama or gpt2\n\n${usage}`);
      if (!values.preset) throw new UsageError(`--preset is required (one of ${Object.keys(PRESETS).join(', ')})`);
      if (!values.out) throw new UsageError('--out DIR is required');
      let r;
      try {
        r = await initModel({ arch: values.arch, preset: values.preset, out: values.out, seed: intFlag(values.seed, 'seed', 0), tokenizerDir: values.tokenizer, force: values.force });
      } catch (err) {
        throw new UsageError((err as Error).message, 1);
      }
      if (json) ctx.io.out(JSON.stringify({ path: r.dir, preset: values.preset, arch: r.config.arch, parameters: r.parameters, vocab_size: r.config.vocabSize, tokenizer: r.tokenizer, weight_bytes: r.bytes }));
      else ctx.io.out(`wrote ${values.preset} (${formatCount(r.parameters)} parameters, vocab ${r.config.vocabSize}, ${r.tokenizer} tokenizer) to ${r.dir}`);
      return 0;
    }
    if (sub === 'tuned') return (await import('./models-tuned.ts')).listTuned(ctx, json);
    if (sub === 'pin' || sub === 'unpin' || sub === 'delete') {
      if (rest.length !== 1) throw new UsageError(`models ${sub} needs one fine-tuned MODEL_ID (see tunebench models tuned)\n\n${usage}`);
      const tuned = await import('./models-tuned.ts');
      return sub === 'delete' ? tuned.deleteTuned(ctx, rest[0], json) : tuned.pinTuned(ctx, rest[0], sub === 'pin', json);
    }
    throw new UsageError(`unknown models subcommand '${sub}'\n\n${usage}`);
  }
};
