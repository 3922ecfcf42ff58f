/** Every `tunebench` command, in the order `tunebench help` lists them. Add a command here once. */
import type { CliCommand } from '../command.ts';
import { datasetsCommand } from './datasets.ts';
import { importCommand } from './import.ts';
import { validateCommand } from './validate.ts';
import { sqlCommand } from './sql.ts';
import { statsCommand } from './stats.ts';
import { checkCommand } from './check.ts';
import { newCommand } from './new.ts';
import { planCommand } from './plan.ts';
import { runCommand } from './run.ts';
import { rerunCommand } from './rerun.ts';
import { runsCommand } from './runs.ts';
import { showCommand } from './show.ts';
import { scoreCommand } from './score.ts';
import { modelsCommand } from './models.ts';
import { generateCommand } from './generate.ts';
import { logitsCommand } from './logits.ts';
import { tokenizeCommand } from './tokenize.ts';
import { exportCommand } from './export.ts';
import { feedbackCommand } from './feedback.ts';
import { compareCommand } from './compare.ts';

export const commands: CliCommand[] = [
  datasetsCommand,
  importCommand,
  validateCommand,
  sqlCommand,
  statsCommand,
  checkCommand,
  newCommand,
  planCommand,
  runCommand,
  rerunCommand,
  runsCommand,
  showCommand,
  compareCommand,
  scoreCommand,
  modelsCommand,
  generateCommand,
  logitsCommand,
  tokenizeCommand,
  exportCommand,
  feedbackCommand
];
