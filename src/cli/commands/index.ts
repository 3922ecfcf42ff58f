/** Every `tunebench` command, in the order `tunebench help` lists them. Add a command here once. */
import type { CliCommand } from '../command.ts';
import { datasetsCommand } from './datasets.ts';
import { importCommand } from './import.ts';
import { validateCommand } from './validate.ts';
import { sqlCommand } from './sql.ts';
import { statsCommand } from './stats.ts';
import { scoreCommand } from './score.ts';

export const commands: CliCommand[] = [
  datasetsCommand,
  importCommand,
  validateCommand,
  sqlCommand,
  statsCommand,
  scoreCommand
];
