/** Every `tunebench` command, in the order `tunebench help` lists them. Add a command here once. */
import type { CliCommand } from '../command.ts';
import { datasetsCommand } from './datasets.ts';
import { scoreCommand } from './score.ts';

export const commands: CliCommand[] = [
  datasetsCommand,
  scoreCommand
];
