/**
 * The styles a model was trained to switch between, read from its training data: system prompts
 * that start with a tag such as "[STYLE:formal]" (what pipelines/style-switch.ftp writes with
 * `system_prompt set "[STYLE:{style}] …"`). The playground's style selector injects the tag the
 * same way, in front of the system prompt, and offers the most common training system prompt of
 * that style as a starting point.
 */
import type { Workspace } from '../../workspace.ts';
import { queryRows, sqlString } from '../../data/duckdb.ts';
import type { ModelInfo } from './catalog.ts';
import { modelLineage } from './lineage.ts';
import { STYLE_TAG } from './style-tag.ts';

export { withStyle } from './style-tag.ts';

export interface StyleOption {
  value: string;
  /** Training examples with this style. */
  examples: number;
  /** The tag as injected: "[STYLE:formal]". */
  prefix: string;
  /** The most common system prompt of this style in the training data. */
  system: string;
}

export interface ModelStyles {
  /** The tag name ("STYLE"), or null when the training data has no tagged system prompts. */
  tag: string | null;
  styles: StyleOption[];
}

const TAG = STYLE_TAG;

export async function modelStyles(ws: Workspace, m: ModelInfo): Promise<ModelStyles> {
  const lineage = await modelLineage(ws, m);
  const parquet = lineage?.train?.parquet;
  if (!parquet) return { tag: null, styles: [] };
  const rows = await queryRows<{ tag: string; value: string; system: string; n: number }>(
    `SELECT regexp_extract(system_text, ${sqlString(TAG)}, 1) AS tag, regexp_extract(system_text, ${sqlString(TAG)}, 2) AS value, system_text AS system, count(*)::INTEGER AS n
     FROM read_parquet(${sqlString(parquet)}) WHERE regexp_matches(system_text, ${sqlString(TAG)})
     GROUP BY ALL ORDER BY n DESC, system`
  ).catch(() => []);
  if (!rows.length) return { tag: null, styles: [] };
  const byTag = new Map<string, number>();
  for (const r of rows) byTag.set(r.tag, (byTag.get(r.tag) ?? 0) + r.n);
  const tag = [...byTag].sort((a, b) => b[1] - a[1])[0][0];
  const styles = new Map<string, StyleOption>();
  for (const r of rows.filter((x) => x.tag === tag)) {
    const s = styles.get(r.value);
    if (s) s.examples += r.n;
    else styles.set(r.value, { value: r.value, examples: r.n, prefix: `[${tag}:${r.value}]`, system: r.system });
  }
  return { tag, styles: [...styles.values()].sort((a, b) => b.examples - a.examples || a.value.localeCompare(b.value)) };
}
