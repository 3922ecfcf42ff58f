import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseFlags } from '../args.ts';
import { formatBytes, formatDuration } from '../format.ts';
import { progressBar } from '../progress.ts';
import { parseMapping } from '../../engine/data/formats/mapping.ts';
import { FORMAT_NAMES, type FormatName } from '../../engine/data/formats/types.ts';
import { renderFindings } from '../../engine/data/validate/report.ts';

const usage = `Usage: tunebench import FILE [--name NAME] [--format FORMAT] [--map TARGET=COLUMN,...] [--skip-invalid] [--strict-openai] [--json]

Validates FILE and stores it as a new version of the dataset NAME (default: the file's base name,
e.g. support.chat.jsonl → support_chat). Importing identical bytes with identical options again is
a no-op. A file with errors is not imported (nothing changes) unless --skip-invalid is given.

  --name NAME          dataset name (letters, digits, _)
  --format FORMAT      ${FORMAT_NAMES.join(' | ')} (default: detected)
  --map T=C,...        CSV/Parquet column mapping: system, user, assistant (or messages) and any
                       metadata column, e.g. --map user=instruction,assistant=response,intent=intent
                       (a quoted value is literal text: --map 'system="You are a support agent."')
  --skip-invalid       import the valid records and report the rejected lines
  --strict-openai      also warn about top-level keys OpenAI's fine-tuning API rejects
  --json               print the result as JSON
  --verbose            also print how long each phase took`;

export function formatFlag(v: string | undefined): FormatName | undefined {
  if (v === undefined) return undefined;
  if (!(FORMAT_NAMES as readonly string[]).includes(v)) throw new UsageError(`--format must be one of ${FORMAT_NAMES.join(', ')}; got '${v}'`);
  return v as FormatName;
}

export function mapFlag(v: string | undefined): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  try {
    return parseMapping(v);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export const importCommand: CliCommand = {
  name: 'import',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(
      ctx.argv,
      { name: { type: 'string' }, format: { type: 'string' }, map: { type: 'string' }, 'skip-invalid': { type: 'boolean' }, 'strict-openai': { type: 'boolean' }, json: { type: 'boolean' }, verbose: { type: 'boolean' } },
      usage
    );
    if (positionals.length !== 1) throw new UsageError(`import needs exactly one FILE\n\n${usage}`);
    const ws = await ctx.workspace();
    // Loaded on use: `tunebench help` should not pay for DuckDB.
    const { importDataset } = await import('../../engine/data/import.ts');
    const bar = values.json ? null : progressBar(ctx.io, 'importing');
    const started = Date.now();
    const r = await importDataset(ws, positionals[0], {
      name: values.name,
      format: formatFlag(values.format),
      mapping: mapFlag(values.map),
      skipInvalid: values['skip-invalid'],
      strictOpenai: values['strict-openai'],
      // The bar appears only for imports that take a while.
      onProgress: bar ? (p) => Date.now() - started > 700 && bar.update(p.bytes, p.totalBytes, `${p.rows.toLocaleString('en-US')} rows`) : undefined
    });
    bar?.done();
    if (values.json) {
      ctx.io.out(JSON.stringify(r, null, 2));
      return r.ok ? 0 : 1;
    }
    const text = renderFindings(r, { perCode: r.ok ? 3 : 5, detail: r.ok ? ['error', 'warning'] : ['error'] });
    if (text) ctx.io.err(text);
    if (r.skippedLines.length && r.ok) ctx.io.err(`skipped lines: ${r.skippedLines.slice(0, 30).join(', ')}${r.skippedLines.length > 30 ? `, … (${r.skippedLines.length} in all)` : ''}`);
    if (values.verbose) ctx.io.err(`phases: ${Object.entries(r.phases).map(([k, ms]) => `${k} ${formatDuration(ms)}`).join(', ')}`);
    const size = r.version ? `, ${formatBytes(r.version.bytes)}` : '';
    ctx.io.out(`${r.message}${r.ok && r.status !== 'unchanged' ? ` (${formatDuration(r.elapsedMs)}${size})` : ''}`);
    return r.ok ? 0 : 1;
  }
};
