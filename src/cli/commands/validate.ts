import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { intFlag, parseFlags } from '../args.ts';
import { progressBar } from '../progress.ts';
import { renderFindings } from '../../engine/data/validate/report.ts';
import { formatFlag, mapFlag } from './import.ts';

const usage = `Usage: tunebench validate FILE [--format FORMAT] [--map TARGET=COLUMN,...] [--strict-openai] [--json] [--limit N]

Checks FILE without importing it: encoding, line endings, JSON syntax (with line and column),
duplicate keys, nesting, OpenAI's chat format checks (the cookbook notebook's, plus tools), empty
or whitespace-only turns, duplicates, and more. Exits 1 when there are errors.

  --format FORMAT   openai | prompt-completion | context-response | csv | parquet (default: detected)
  --map T=C,...     CSV/Parquet column mapping (see tunebench help import)
  --strict-openai   also warn about top-level keys OpenAI's fine-tuning API rejects
  --json            the full report as JSON
  --limit N         findings shown per code (default 5)`;

export const validateCommand: CliCommand = {
  name: 'validate',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(
      ctx.argv,
      { format: { type: 'string' }, map: { type: 'string' }, 'strict-openai': { type: 'boolean' }, json: { type: 'boolean' }, limit: { type: 'string' } },
      usage
    );
    if (positionals.length !== 1) throw new UsageError(`validate needs exactly one FILE\n\n${usage}`);
    const { validateFile } = await import('../../engine/data/import.ts');
    const bar = values.json ? null : progressBar(ctx.io, 'validating');
    const started = Date.now();
    const r = await validateFile(positionals[0], {
      format: formatFlag(values.format),
      mapping: mapFlag(values.map),
      strictOpenai: values['strict-openai'],
      onProgress: bar ? (p) => Date.now() - started > 700 && bar.update(p.bytes, p.totalBytes) : undefined
    });
    bar?.done();
    if (values.json) {
      ctx.io.out(JSON.stringify(r, null, 2));
      return r.errors > 0 ? 1 : 0;
    }
    const d = r.detection;
    ctx.io.out(`${r.file}: ${d.format} (${d.reason})`);
    ctx.io.out(`  ${r.records.toLocaleString('en-US')} records on ${r.lines.toLocaleString('en-US')} lines: ${r.valid.toLocaleString('en-US')} valid, ${r.skippedLines.length.toLocaleString('en-US')} rejected${r.duplicates ? `, ${r.duplicates.toLocaleString('en-US')} duplicates` : ''}`);
    const text = renderFindings(r, { perCode: intFlag(values.limit, 'limit', 5) });
    if (text) ctx.io.out(`\n${text}`);
    ctx.io.out(r.errors > 0 ? `\n${r.file}: ${r.errors.toLocaleString('en-US')} error${r.errors === 1 ? '' : 's'}, ${r.warnings.toLocaleString('en-US')} warning${r.warnings === 1 ? '' : 's'}` : `\n${r.file}: OK${r.warnings ? ` (${r.warnings.toLocaleString('en-US')} warning${r.warnings === 1 ? '' : 's'})` : ''}`);
    return r.errors > 0 ? 1 : 0;
  }
};
