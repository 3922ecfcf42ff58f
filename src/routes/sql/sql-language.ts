/**
 * Editor services for the SQL console: completion of the workspace's dataset names and of the
 * columns of the datasets the query names, and hover on a dataset name with its size and columns.
 * Monaco's own SQL tokens stay; these are added through the shared registerLanguage() door.
 */
import type { DatasetListItem } from '$lib/datasets';
import type { EditorLanguage } from '$lib/editor/language';
import type { Completion, Position } from '$lib/editor/types';

function wordAt(text: string, at: Position): { word: string; start: number; end: number } | null {
  const line = text.split('\n')[at.line - 1] ?? '';
  const re = /[A-Za-z_][A-Za-z0-9_]*/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const start = m.index + 1;
    const end = start + m[0].length;
    if (at.column >= start && at.column <= end) return { word: m[0], start, end };
  }
  return null;
}

export function sqlLanguage(datasets: readonly DatasetListItem[]): EditorLanguage {
  const byName = new Map(datasets.map((d) => [d.name.toLowerCase(), d]));
  return {
    id: 'sql',
    services: {
      complete(text) {
        const named = new Set((text.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []).filter((w) => byName.has(w)));
        const items: Completion[] = datasets.map((d) => ({
          label: d.name,
          kind: 'dataset',
          detail: `dataset · ${d.rows.toLocaleString('en-US')} rows`
        }));
        for (const n of named) {
          const d = byName.get(n)!;
          for (const c of d.columns) items.push({ label: c.name, kind: 'column', detail: `${d.name}.${c.name} ${c.type}` });
        }
        return items;
      },
      hover(text, at) {
        const w = wordAt(text, at);
        const d = w && byName.get(w.word.toLowerCase());
        if (!w || !d) return null;
        const cols = d.columns.map((c) => `- \`${c.name}\` ${c.type.length > 60 ? `${c.type.slice(0, 59)}…` : c.type}`).join('\n');
        return {
          markdown: `**${d.name}** — dataset v${d.version}, ${d.rows.toLocaleString('en-US')} rows\n\n${cols}`,
          span: { start: { line: at.line, column: w.start }, end: { line: at.line, column: w.end } }
        };
      }
    }
  };
}
