/**
 * The stage executors a run can use. Each part of the engine that runs a stage kind registers it
 * here, once: the data operators now; the trainer adds its 'train' executor and the evaluator its
 * 'eval' executor (one import and one call each). A Plan with a kind nobody registered fails at
 * that stage with R101 and a message naming the missing part; nothing is faked.
 */
import { registerDataStageExecutors } from '../data/stages/index.ts';
import { registerTrainExecutor } from '../train/stage.ts';
import { registerEvalExecutor } from '../eval/stage/executor.ts';

let registered = false;

export function registerBuiltinExecutors(): void {
  if (registered) return;
  registered = true;
  registerDataStageExecutors();
  registerTrainExecutor();
  registerEvalExecutor();
}
