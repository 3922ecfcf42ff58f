/**
 * Why a stage re-ran: the key ingredients of this run compared with those recorded for the same
 * stage id in an earlier run (the run being re-run, or the last run of the same pipeline).
 */
import type { KeyIngredients } from './types.ts';

export const HIT_REASON = 'cached output reused';

export function missReason(previous: KeyIngredients | null, now: KeyIngredients): string {
  if (!previous) return 'no cached output';
  if (previous.engine_version !== now.engine_version) return `engine version changed (${previous.engine_version} → ${now.engine_version})`;
  if (previous.kind !== now.kind) return `stage kind changed (${previous.kind} → ${now.kind})`;
  const before = new Map(previous.inputs.map((i) => [i.name, i.key]));
  const names = now.inputs.map((i) => i.name);
  const sameSet = before.size === now.inputs.length && names.every((n) => before.has(n));
  const changed = now.inputs.filter((i) => before.has(i.name) && before.get(i.name) !== i.key).map((i) => i.name);
  const reasons: string[] = [];
  if (previous.params_sha256 !== now.params_sha256) reasons.push('parameters changed');
  if (!sameSet) reasons.push(`inputs changed (${[...before.keys()].join(', ') || 'none'} → ${names.join(', ') || 'none'})`);
  else if (changed.length) reasons.push(`input changed: ${changed.join(', ')}`);
  return reasons.length ? reasons.join('; ') : 'no cached output';
}
