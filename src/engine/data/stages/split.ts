/**
 * split: named parts by percentages, deterministic for a seed, optionally stratified, and with no
 * near-duplicate pair across two parts.
 *
 * 1. Near-duplicate groups on `disjoint.on` at `disjoint.threshold` (the same MinHash/LSH/exact
 *    Jaccard machinery as dedupe near, with its default shingles), written to near_groups.parquet.
 * 2. SQL assigns whole groups: each group is ordered by md5('<seed>:' || its first row's
 *    conversation_id); within each stratum (the first row's value of `stratify`) the groups are
 *    laid end to end in that order and each goes to the part its midpoint falls in. So every part
 *    gets its share of every stratum (up to one group), and a group never straddles parts.
 * 3. One Parquet file per part, in input order.
 */
import path from 'node:path';
import type { SplitStage } from '../../../../dsl/plan.ts';
import type { DescribeInput, StageContext, StageExecutor, StageOutput } from '../../runs/stage-executor.ts';
import { queryRows } from '../duckdb.ts';
import { clusterColumn, writeGroupReport } from './near/near-sql.ts';
import type { NearParams } from './near/cluster.ts';
import { copyRows, describeInput, LOGICAL_CTES, preambleTitle, sqlInput, withStageConnection, type SqlInput } from './operator.ts';
import { bitmapVariable, filterByBitmap, ident, q, rowsInPreamble, withCtes } from './sql.ts';

/**
 * Shingle settings of the disjointness groups (the dedupe near defaults) and the banding rule.
 * Part of the cache key.
 */
export const DISJOINT_SHINGLES = { word_ngram: 3, char_ngram: 3, permutations: 128, seed: 42, banding: 'recall-0.995' } as const;

/**
 * Banding for a guarantee rather than a balance: a pair at the threshold must become a candidate
 * with probability ≥ `target` (1 − (1 − t^r)^b), with as many rows per band as allows that, so
 * that false candidates stay few. Every candidate is checked exactly, so a false candidate costs
 * only time, while a missed pair could straddle two parts.
 */
export function recallBands(threshold: number, permutations: number, target = 0.995): { bands: number; rows: number } {
  for (let rows = Math.min(permutations, 32); rows >= 1; rows--) {
    const bands = Math.floor(permutations / rows);
    if (1 - (1 - threshold ** rows) ** bands >= target) return { bands, rows };
  }
  return { bands: permutations, rows: 1 };
}

export function disjointParams(threshold: number): NearParams {
  const { bands, rows } = recallBands(threshold, DISJOINT_SHINGLES.permutations);
  return { threshold, wordNgram: DISJOINT_SHINGLES.word_ngram, charNgram: DISJOINT_SHINGLES.char_ngram, permutations: DISJOINT_SHINGLES.permutations, bands, rows, seed: DISJOINT_SHINGLES.seed };
}

/** `CASE WHEN position < 0.8 THEN 'train' ... END` from cumulative percentages. */
function partCase(parts: SplitStage['params']['parts']): string {
  let cum = 0;
  const whens = parts.slice(0, -1).map((p) => {
    cum += p.percent;
    return `when split_position < ${+(cum / 100).toFixed(10)} then ${q(p.name)}`;
  });
  return `case ${whens.join(' ')} else ${q(parts[parts.length - 1].name)} end`;
}

/** The query that assigns every input row to a part: row_id, cluster_row_id, part. */
export function assignmentSql(stage: SplitStage, input: SqlInput, groupsFile: string): string {
  const p = stage.params;
  const stratum = p.stratify ? `first_row.${ident(p.stratify)}` : 'NULL';
  return withCtes([
    [input.cte, `select * from ${input.relation}`],
    ['near_groups', `select row_id, cluster_row_id from read_parquet(${q(groupsFile)})`],
    [
      'grouped',
      `select ${input.cte}.file_row_number as row_id,\n    coalesce(near_groups.cluster_row_id, ${input.cte}.file_row_number) as cluster_row_id\n  from ${input.cte}\n  left join near_groups on near_groups.row_id = ${input.cte}.file_row_number`
    ],
    ['clusters', `select cluster_row_id, count(*) as cluster_rows\n  from grouped\n  group by cluster_row_id`],
    [
      'ranked',
      `select clusters.cluster_row_id, clusters.cluster_rows,\n    ${stratum} as stratum,\n    md5(${q(`${p.seed}:`)} || first_row.conversation_id) as split_key\n  from clusters\n  join ${input.cte} as first_row on first_row.file_row_number = clusters.cluster_row_id`
    ],
    [
      'placed',
      `select cluster_row_id,\n    (sum(cluster_rows) over (partition by stratum order by split_key, cluster_row_id rows unbounded preceding) - cluster_rows / 2.0)\n      / sum(cluster_rows) over (partition by stratum) as split_position\n  from ranked`
    ],
    ['assigned', `select grouped.row_id, grouped.cluster_row_id, ${partCase(p.parts)} as part\n  from grouped\n  join placed using (cluster_row_id)`]
  ]);
}

/** The rows of one part, in input order (reads the materialised assignment table): a bitmap
 *  statement, then the query. */
export function partSql(input: SqlInput, assignment: string, part: string): { preamble: string; select: string } {
  const variable = `part_${part}`;
  return {
    preamble: bitmapVariable(variable, [['chosen', `select row_id from ${assignment} where part = ${q(part)}`]], 'chosen'),
    select: withCtes([[input.cte, `select * from ${input.relation}`], filterByBitmap(input.cte, variable, true)])
  };
}

export const splitExecutor: StageExecutor<SplitStage> = {
  cacheable: () => true,
  keyParams: (stage) => ({ ...stage.params, disjoint_shingles: DISJOINT_SHINGLES }),
  async run(ctx: StageContext<SplitStage>) {
    const p = ctx.stage.params;
    const input = await sqlInput(ctx, LOGICAL_CTES);
    const inputFile = ctx.inputs[0].output.path;
    const groupsFile = path.join(ctx.outDir, 'near_groups.parquet');
    const table = `split_assignment_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
    const timings: Record<string, number> = {};
    let mark = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      timings[name] = Math.round(now - mark);
      mark = now;
    };
    const result = await withStageConnection(ctx.signal, async (conn) => {
      const clusters = await clusterColumn(conn, inputFile, p.disjoint.on, disjointParams(p.disjoint.threshold), input.rows ?? 0, ctx.events, ctx.signal);
      lap('near_groups');
      await writeGroupReport(conn, inputFile, clusters, groupsFile);
      lap('group_report');
      await conn.run(rowsInPreamble(input.rows, input.relation));
      await conn.run(`CREATE TEMP TABLE ${table} AS ${assignmentSql(ctx.stage, input, groupsFile)}`);
      lap('assign');
      try {
        const outputs: Record<string, StageOutput> = {};
        const sizes: Record<string, number> = {};
        for (const part of p.parts) {
          const file = path.join(ctx.outDir, `${part.name}.parquet`);
          const { preamble, select } = partSql(input, table, part.name);
          await conn.run(preamble);
          sizes[part.name] = await copyRows(conn, select, file);
          lap(`write_${part.name}`);
          outputs[part.name] = { kind: 'parquet', path: file, rows: sizes[part.name] };
          ctx.events.progress({ done: Object.keys(sizes).length, total: p.parts.length, unit: 'parts', phase: 'write' });
        }
        let strata: Record<string, unknown>[] = [];
        if (p.stratify) {
          strata = await queryRows(
            `SELECT CAST(i.${ident(p.stratify)} AS VARCHAR) AS value, ${p.parts.map((x) => `count(*) FILTER (WHERE a.part = ${q(x.name)}) AS ${ident(x.name)}`).join(', ')}, count(*) AS rows
             FROM ${table} a JOIN ${input.relation} i ON i.file_row_number = a.row_id GROUP BY 1 ORDER BY rows DESC, value LIMIT 50`,
            conn
          );
        }
        lap('strata');
        return { clusters, outputs, sizes, strata };
      } finally {
        await conn.run(`DROP TABLE IF EXISTS ${table}`);
      }
    });
    const rowsIn = input.rows ?? 0;
    const rowsOut = Object.values(result.sizes).reduce((a, b) => a + b, 0);
    return {
      outputs: { ...result.outputs, near_groups: { kind: 'file', path: groupsFile, rows: result.clusters.duplicates } },
      rowsIn,
      rowsOut,
      summary: {
        rows_in: rowsIn,
        rows_out: rowsOut,
        seed: p.seed,
        parts: p.parts.map((x) => ({ name: x.name, percent: x.percent, rows: result.sizes[x.name], actual_percent: rowsIn ? +((100 * result.sizes[x.name]) / rowsIn).toFixed(2) : 0 })),
        stratify: p.stratify,
        strata: result.strata,
        disjoint: { on: p.disjoint.on, threshold: p.disjoint.threshold, groups: result.clusters.clusters, grouped_rows: result.clusters.duplicates + result.clusters.clusters, report: 'near_groups.parquet' },
        timings_ms: { ...timings, ...result.clusters.timings_ms }
      }
    };
  },
  describe(stage: SplitStage, inputs: DescribeInput[]) {
    const input = describeInput(inputs[0], LOGICAL_CTES);
    const d = disjointParams(stage.params.disjoint.threshold);
    return {
      sql: [
        { title: 'input row count', text: rowsInPreamble(input.rows, input.relation) },
        { title: 'assign parts (materialised as split_assignment)', text: assignmentSql(stage, input, 'near_groups.parquet') },
        ...stage.params.parts.flatMap((part) => {
          const { preamble, select } = partSql(input, 'split_assignment', part.name);
          return [
            { title: preambleTitle(preamble), text: preamble },
            { title: `part ${part.name}`, text: select }
          ];
        })
      ],
      notes: [
        `near-duplicate groups on ${stage.params.disjoint.on} (Jaccard ≥ ${stage.params.disjoint.threshold}; word ${d.wordNgram}-grams / CJK character ${d.charNgram}-grams, ${d.permutations} permutations, ${d.bands} bands × ${d.rows} rows) are written to near_groups.parquet and kept within one part`
      ]
    };
  }
};
