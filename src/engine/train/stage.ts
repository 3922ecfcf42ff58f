/**
 * The pipeline's 'train' stage: resolved inputs (train / validation Parquet, a base model or an
 * earlier train stage) → train() → checkpoints as stage outputs.
 *
 *   outputs   main (the final model: the best checkpoint when validated, else the last), best
 *             (= last when nothing was validated), last, epoch-N, step-N — each a checkpoint folder (see checkpoint.ts), loadable with
 *             loadTrainedModel. They live in <outDir>/checkpoints/, hard links of the run's
 *             working copies in runs/<run-id>/checkpoints/<stage-id>/.
 *   metrics   runs/<run-id>/metrics.jsonl (OpenAI names, tagged with the stage)
 *   events    train_started, validation, checkpoint, early_stop, train_finished, progress
 *   cache     cacheable unless a time budget makes the result depend on the machine's speed
 *             (training is seeded and deterministic on one backend); the base model's files are
 *             an external input, hashed
 *   resume    a killed or cancelled run leaves its checkpoints in its run folder with a
 *             resume.json naming the stage's key; a later run of the same key (tunebench rerun)
 *             links them in and continues from the newest one
 *
 * Heavy modules (TensorFlow.js) are imported when a stage runs, so registering costs nothing.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Checkpoint, TrainStage } from '../../../dsl/plan.ts';
import type { Workspace } from '../workspace.ts';
import { registerStageExecutor, type ResolvedInput, type StageContext, type StageExecutor, type StageOutput } from '../runs/stage-executor.ts';
import { runPaths } from '../runs/layout.ts';
import { canonicalJson, sha256Hex } from '../runs/canonical-json.ts';
import { fileContentHash } from '../runs/file-hash.ts';
import { resolveModel } from '../model/registry.ts';
import { linkTree } from './files.ts';
import { PACKING } from './format.ts';

const RESUME_FILE = 'resume.json';

/** The output name a Plan checkpoint reference points at. */
export function checkpointOutput(c: Checkpoint): string {
  if (c === 'final') return 'main';
  if (c === 'best' || c === 'last') return c;
  return 'epoch' in c ? `epoch-${c.epoch}` : `step-${c.step}`;
}

function describeCheckpoint(c: Checkpoint): string {
  return typeof c === 'string' ? c : 'epoch' in c ? `epoch ${c.epoch}` : `step ${c.step}`;
}

/** The base model folder of a train stage that starts from a model. */
async function baseModelDir(stage: TrainStage, ws: Workspace): Promise<string> {
  if (stage.params.base.kind !== 'model') throw new Error('not a model base');
  return resolveModel(stage.params.base.name, ws);
}

/** Finds the checkpoint folder a 'train' base refers to among the producer's outputs. */
function baseCheckpoint(stage: TrainStage, input: ResolvedInput): string {
  if (stage.params.base.kind !== 'train') throw new Error('not a train base');
  const want = checkpointOutput(stage.params.base.checkpoint);
  const out = input.outputs[want];
  if (!out) {
    const have = Object.keys(input.outputs).map((k) => (k === 'main' ? 'final' : k)).join(', ');
    throw new Error(`train stage ${input.name} has no ${describeCheckpoint(stage.params.base.checkpoint)} checkpoint (it kept: ${have}; see keep_checkpoints)`);
  }
  return out.path;
}

/** The stage's identity for resuming: its cache key, else a hash of what went into it. */
function resumeKey(ctx: StageContext<TrainStage>): string | null {
  if (ctx.cache.key) return ctx.cache.key;
  const ing = ctx.cache.ingredients;
  if (!ing || ing.inputs.some((i) => i.key.startsWith('uncached:'))) return null;
  return sha256Hex(canonicalJson(ing));
}

/** Links the checkpoints of an earlier, unfinished run of the same stage key into workDir. */
async function adoptEarlierWork(ws: Workspace, runId: string, key: string, workDir: string): Promise<string | null> {
  const { listCheckpoints } = await import('./checkpoint.ts');
  let best: { dir: string; step: number } | null = null;
  for (const run of await fsp.readdir(ws.runsDir).catch(() => [] as string[])) {
    if (run === runId) continue;
    const root = path.join(ws.runsDir, run, 'checkpoints');
    for (const st of await fsp.readdir(root).catch(() => [] as string[])) {
      const dir = path.join(root, st);
      try {
        if (JSON.parse(fs.readFileSync(path.join(dir, RESUME_FILE), 'utf8')).key !== key) continue;
      } catch {
        continue;
      }
      const cks = listCheckpoints(dir);
      const step = cks.length ? cks[cks.length - 1].meta.step : -1;
      if (step >= 0 && (!best || step > best.step)) best = { dir, step };
    }
  }
  if (!best) return null;
  await linkTree(best.dir, workDir);
  await fsp.rm(path.join(workDir, RESUME_FILE), { force: true });
  return best.dir;
}

async function run(ctx: StageContext<TrainStage>) {
  const { stage, ws } = ctx;
  const p = stage.params;
  const [{ initBackend }, { readConversations }, { train }, { metricsFile }] = await Promise.all([import('./backend.ts'), import('./data.ts'), import('./trainer.ts'), import('./metrics.ts')]);
  const trainIn = ctx.inputs.find((i) => i.role === 'train');
  if (!trainIn) throw new Error('the train stage has no training data input');
  const validIn = ctx.inputs.find((i) => i.role === 'validation') ?? null;
  const backend = await initBackend();
  ctx.events.info(`backend ${backend.backend}${backend.backend === 'wasm' ? ` (${backend.threads} thread${backend.threads === 1 ? '' : 's'}, SIMD ${backend.simd ? 'on' : 'off'})` : ''}`, { backend });

  let base: { kind: 'model' | 'checkpoint'; name: string; dir: string };
  if (p.base.kind === 'model') base = { kind: 'model', name: p.base.name, dir: await baseModelDir(stage, ws) };
  else {
    const b = ctx.inputs.find((i) => i.role === 'base');
    if (!b) throw new Error(`the train stage continues from ${p.base.stage}, but that input is missing`);
    base = { kind: 'checkpoint', name: `${p.base.stage}@${describeCheckpoint(p.base.checkpoint)}`, dir: baseCheckpoint(stage, b) };
  }

  const trainRows = await readConversations(trainIn.output.path, { signal: ctx.signal });
  const validRows = validIn ? await readConversations(validIn.output.path, { signal: ctx.signal }) : null;
  ctx.events.info(`read ${trainRows.length} training and ${validRows?.length ?? 0} validation conversations`);

  const paths = runPaths(ws, ctx.run.id);
  const workDir = path.join(paths.checkpointsDir, stage.id);
  await fsp.mkdir(workDir, { recursive: true });
  const key = resumeKey(ctx);
  if (key) {
    const adopted = fs.readdirSync(workDir).some((n) => !n.startsWith('.')) ? null : await adoptEarlierWork(ws, ctx.run.id, key, workDir);
    if (adopted) ctx.events.info(`found checkpoints of an unfinished run of this stage: ${adopted}`);
    fs.writeFileSync(path.join(workDir, RESUME_FILE), JSON.stringify({ key, stage: stage.id, run_id: ctx.run.id }) + '\n');
  }

  const result = await train({
    params: p,
    base,
    train: trainRows,
    validation: validRows,
    workDir,
    signal: ctx.signal,
    metrics: metricsFile(paths.metrics),
    stage: stage.id,
    backend,
    events: {
      info: (m, d) => ctx.events.info(m, d),
      warn: (m, d) => ctx.events.warn(m, d),
      emit: (t, m, d) => ctx.events.emit(t, m, d),
      progress: (x) => ctx.events.progress(x)
    }
  });

  // Publish: the kept checkpoints (and a merged staged base) become the stage's outputs.
  const outRoot = path.join(ctx.outDir, 'checkpoints');
  const outputs: Record<string, StageOutput> = {};
  if (fs.existsSync(path.join(workDir, 'base'))) await linkTree(path.join(workDir, 'base'), path.join(outRoot, 'base'));
  for (const c of result.checkpoints) {
    const dir = path.join(outRoot, c.name);
    await linkTree(c.dir, dir);
    outputs[c.name] = { kind: 'model', path: dir };
  }
  const s = result.summary;
  outputs.main = { kind: 'model', path: path.join(outRoot, s.final_checkpoint) };
  outputs.last = { kind: 'model', path: path.join(outRoot, s.last_checkpoint) };
  outputs.best = { kind: 'model', path: path.join(outRoot, s.best_checkpoint) };
  await fsp.rm(path.join(workDir, RESUME_FILE), { force: true });
  return {
    outputs,
    rowsIn: trainRows.length,
    rowsOut: s.data.train.examples ?? null,
    summary: { ...s, checkpoints: s.checkpoints.map(({ dir: _dir, ...c }) => c) } as unknown as Record<string, unknown>
  };
}

export const trainExecutor: StageExecutor<TrainStage> = {
  cacheable(stage) {
    if (stage.params.time_budget_ms !== null) return 'a time budget makes the result depend on how fast the machine is';
    return true;
  },
  // Packed training changed meaning (segments): its key carries PACKING; other keys are unchanged.
  keyParams: (stage) => (stage.params.batching === 'packed' ? { ...stage.params, packing: PACKING } : stage.params),
  async externalInput(stage, ws) {
    if (stage.params.base.kind !== 'model') return { label: 'base', key: 'from-stage' };
    const dir = await baseModelDir(stage, ws);
    const parts: string[] = [];
    for (const f of fs.readdirSync(dir).sort()) {
      if (!/\.(json|safetensors|model)$/.test(f)) continue;
      parts.push(`${f}:${(await fileContentHash(ws, path.join(dir, f))).sha256}`);
    }
    return { label: `base model ${stage.params.base.name}`, key: sha256Hex(parts.join('\n')) };
  },
  run,
  describe(stage) {
    const p = stage.params;
    const m = p.method;
    const base = p.base.kind === 'model' ? `"${p.base.name}"` : `${p.base.stage}@${describeCheckpoint(p.base.checkpoint)}`;
    const how = m.kind === 'lora' ? `LoRA r=${m.rank} α=${m.alpha} dropout ${m.dropout} on ${m.targets.join(', ') || 'the default targets'}${m.base_precision === 'int8' ? ', base held in INT8' : ''}` : 'full fine-tuning';
    return {
      sql: [],
      notes: [
        `${how}, starting from ${base}`,
        `epochs ${p.epochs}, batch size ${p.batch_size}, ${p.learning_rate.mode === 'fixed' ? `learning rate ${p.learning_rate.value}` : `learning-rate multiplier ${p.learning_rate.value}`}, ${p.schedule} schedule, max_length ${p.max_length}, ${p.batching} batches`,
        `AdamW (weight decay ${p.weight_decay} on matrices), grad clip ${p.grad_clip ?? 'none'}, grad accumulation ${p.grad_accum}, seed ${p.seed}`,
        `checkpoint at each epoch end (keep ${p.keep_checkpoints} + best)${p.early_stop ? `; early stop on ${p.early_stop.metric} (patience ${p.early_stop.patience})` : ''}`
      ]
    };
  }
};

let registered = false;

/** Registers the 'train' stage executor (called from runs/executors.ts). */
export function registerTrainExecutor(): void {
  if (registered) return;
  registered = true;
  registerStageExecutor('train', trainExecutor);
}
