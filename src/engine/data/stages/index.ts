/**
 * The data operators, one door: registers an executor for every data stage kind of the Plan
 * (source, concat, filter, dedupe exact/near, redact, sample, limit, system_prompt, map roles,
 * balance, split). Each is a small module; those that are one SQL query share operator.ts.
 */
import { registerStageExecutor } from '../../runs/stage-executor.ts';
import { balanceOperator } from './balance.ts';
import { concatExecutor } from './concat.ts';
import { dedupeExactOperator } from './dedupe-exact.ts';
import { dedupeNearExecutor } from './dedupe-near.ts';
import { filterOperator } from './filter.ts';
import { limitOperator } from './limit.ts';
import { mapRolesOperator } from './map-roles.ts';
import { sqlOperatorExecutor } from './operator.ts';
import { redactOperator } from './redact.ts';
import { sampleOperator } from './sample.ts';
import { sourceExecutor } from './source.ts';
import { splitExecutor } from './split.ts';
import { systemPromptOperator } from './system-prompt.ts';

export function registerDataStageExecutors(): void {
  registerStageExecutor('source', sourceExecutor);
  registerStageExecutor('concat', concatExecutor);
  registerStageExecutor('filter', sqlOperatorExecutor(filterOperator));
  registerStageExecutor('dedupe_exact', sqlOperatorExecutor(dedupeExactOperator));
  registerStageExecutor('dedupe_near', dedupeNearExecutor);
  registerStageExecutor('redact', sqlOperatorExecutor(redactOperator));
  registerStageExecutor('sample', sqlOperatorExecutor(sampleOperator));
  registerStageExecutor('limit', sqlOperatorExecutor(limitOperator));
  registerStageExecutor('system_prompt', sqlOperatorExecutor(systemPromptOperator));
  registerStageExecutor('map_roles', sqlOperatorExecutor(mapRolesOperator));
  registerStageExecutor('balance', sqlOperatorExecutor(balanceOperator));
  registerStageExecutor('split', splitExecutor);
}
