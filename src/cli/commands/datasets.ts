import type { CliCommand } from '../command.ts';
import { parseFlags } from '../args.ts';
import { readCatalog } from '../../engine/data/catalog.ts';
import { formatBytes, renderTable } from '../format.ts';

const usage = `Usage: tunebench datasets [--all] [--json]

Lists the workspace's datasets: name, latest version, rows, size and source.
  --all    one line per version instead of per dataset
  --json   machine-readable output`;

export const datasetsCommand: CliCommand = {
  name: 'datasets',
  usage,
  async run(ctx) {
    const { values } = parseFlags(ctx.argv, { all: { type: 'boolean' }, json: { type: 'boolean' } }, usage);
    const ws = await ctx.workspace();
    const cat = await readCatalog(ws);
    const entries = Object.values(cat.datasets).sort((a, b) => a.name.localeCompare(b.name));
    const rows = entries.flatMap((e) => (values.all ? e.versions : e.versions.slice(-1)).map((v) => ({ name: e.name, version: v.version, versions: e.versions.length, rows: v.rows, bytes: v.bytes, created_at: v.created_at, source: v.lineage.kind === 'import' ? v.lineage.file : v.lineage.kind })));
    if (values.json) {
      ctx.io.out(JSON.stringify(rows, null, 2));
      return 0;
    }
    if (rows.length === 0) {
      ctx.io.out('No datasets yet. Import one with: tunebench import FILE [--name NAME]');
      return 0;
    }
    ctx.io.out(renderTable(['name', 'version', 'rows', 'size', 'created', 'source'], rows.map((r) => [r.name, values.all ? r.version : `v${r.version} of ${r.versions}`, r.rows, formatBytes(r.bytes), r.created_at.slice(0, 19).replace('T', ' '), r.source])));
    return 0;
  }
};
