/**
 * `tunebench models tuned | pin | unpin | delete`: the fine-tuned models (of workbench runs and
 * of API jobs) as the Models page shows them, with their retention, and its actions.
 */
import type { CliContext } from '../command.ts';
import { UsageError } from '../command.ts';
import { renderTable } from '../format.ts';

async function engine() {
  const [{ listModelInfos }, { readModelsState }, retention, { pinModel }, { deleteModel }] = await Promise.all([
    import('../../engine/api/models/catalog.ts'),
    import('../../engine/api/models/state.ts'),
    import('../../engine/api/models/retention.ts'),
    import('../../engine/api/models/overview.ts'),
    import('../../engine/api/models/delete.ts')
  ]);
  return { listModelInfos, readModelsState, ...retention, pinModel, deleteModel };
}

/** The engine's errors for an unknown or undeletable model are the user's mistake: exit 1 with the message. */
async function userErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = e as Error & { status?: number };
    if (typeof err.status === 'number' && err.status < 500) throw new UsageError(err.message, 1);
    throw e;
  }
}

export async function listTuned(ctx: CliContext, json: boolean): Promise<number> {
  const ws = await ctx.workspace();
  const e = await engine();
  const state = await e.readModelsState(ws);
  const rows = (await e.listModelInfos(ws, ctx.env))
    .filter((m) => m.kind === 'fine-tuned')
    .map((m) => ({ id: m.id, base: m.base, run_id: m.run_id, stage: m.stage, job: m.job, finished_at: m.finished_at, ...e.retentionOf(m, state, ctx.env, e.exportedInRun(ws, m)) }));
  if (json) {
    ctx.io.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    ctx.io.out('No fine-tuned models yet: run a pipeline with a train stage, or create a job through the API.');
    return 0;
  }
  const keep = (r: (typeof rows)[number]) => (r.pinned ? 'pinned' : r.exported ? 'exported' : r.expires_at ? `expires ${r.expires_at.slice(0, 16).replace('T', ' ')}` : 'kept');
  ctx.io.out(renderTable(['model', 'base', 'run', 'stage', 'retention'], rows.map((r) => [r.id, r.base, r.run_id ?? '', r.stage ?? '', keep(r)]), 60));
  return 0;
}

export async function pinTuned(ctx: CliContext, id: string, pinned: boolean, json: boolean): Promise<number> {
  const ws = await ctx.workspace();
  const e = await engine();
  const r = await userErrors(() => e.pinModel(ws, id, pinned, ctx.env));
  ctx.io.out(json ? JSON.stringify({ id, ...r }) : `${pinned ? 'pinned' : 'unpinned'} ${id}${r.expires_at ? ` (expires ${r.expires_at})` : ' (does not expire)'}`);
  return 0;
}

export async function deleteTuned(ctx: CliContext, id: string, json: boolean): Promise<number> {
  const ws = await ctx.workspace();
  const e = await engine();
  const r = await userErrors(() => e.deleteModel(ws, id, ctx.env));
  ctx.io.out(json ? JSON.stringify(r) : `deleted ${id}: its checkpoints are gone; its run and any exports stay`);
  return 0;
}
