/**
 * Cache keys for a Plan's stages, computed in topological order without running anything: a
 * stage's key needs only its parameters, its inputs' keys and the engine version, so a whole
 * Plan's keys are known up front (`tunebench plan` shows them and whether each is cached). A
 * stage that cannot be cached has no key, and neither has anything downstream of it.
 */
import type { Plan, PlanStage } from '../../../dsl/plan.ts';
import type { Workspace } from '../workspace.ts';
import { keyIngredients, stageKey, type KeyInput, type KeyMaterial } from './cache.ts';
import { stageExecutor } from './stage-executor.ts';
import type { KeyIngredients } from './types.ts';

export interface StageKeyInfo {
  /** null: not cacheable (reason says why). */
  key: string | null;
  reason: string | null;
  material: KeyMaterial;
  ingredients: KeyIngredients;
}

/** The source-level name of an input (the split part, or the producing stage's name). */
export function inputName(plan: Plan, ref: { stage: string; part: string | null }): string {
  if (ref.part) return ref.part;
  const producer = plan.stages.find((s) => s.id === ref.stage);
  if (!producer) return ref.stage;
  // An operator in the middle of a stage block is known by its id (clean.2); the block's last
  // operator and sources are known by their name.
  const named = Object.entries(plan.outputs).find(([, o]) => o.stage === ref.stage && o.part === null);
  return named ? named[0] : producer.id;
}

/**
 * Computes one stage's key from the keys of its inputs (`inputKeys`: stage id → key, null when
 * that stage is not cacheable). Throws only when an external input cannot be read (a source file
 * that vanished), which the executor reports as the stage's failure.
 */
export async function computeStageKey(ws: Workspace, plan: Plan, stage: PlanStage, inputKeys: Map<string, string | null>): Promise<StageKeyInfo> {
  const exec = stageExecutor(stage.kind);
  const params = exec?.keyParams ? exec.keyParams(stage as never) : stage.params;
  const inputs: KeyInput[] = [];
  let reason: string | null = null;
  const cacheable = exec ? exec.cacheable(stage as never) : true;
  if (cacheable !== true) reason = `not cacheable: ${cacheable}`;
  if (exec?.externalInput) {
    const ext = await exec.externalInput(stage as never, ws);
    inputs.push({ name: ext.label, role: 'external', key: ext.key, part: null });
  }
  for (const i of stage.inputs) {
    const k = inputKeys.get(i.stage);
    const name = inputName(plan, i);
    if (k === null || k === undefined) {
      reason ??= `not cacheable: input ${name} is not cacheable`;
      inputs.push({ name, role: i.role, key: `uncached:${i.stage}`, part: i.part });
    } else inputs.push({ name, role: i.role, key: k, part: i.part });
  }
  const material: KeyMaterial = { kind: stage.kind, params, inputs };
  return { key: reason ? null : stageKey(material), reason, material, ingredients: keyIngredients(material) };
}

/** Keys of every stage of a Plan, in order. */
export async function planKeys(ws: Workspace, plan: Plan): Promise<Map<string, StageKeyInfo | { error: string }>> {
  const out = new Map<string, StageKeyInfo | { error: string }>();
  const keys = new Map<string, string | null>();
  for (const stage of plan.stages) {
    try {
      const info = await computeStageKey(ws, plan, stage, keys);
      out.set(stage.id, info);
      keys.set(stage.id, info.key);
    } catch (e) {
      out.set(stage.id, { error: (e as Error).message });
      keys.set(stage.id, null);
    }
  }
  return out;
}
