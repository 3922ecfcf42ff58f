/**
 * Every `tunebench` command, in the order `tunebench help` lists them. A command's module is loaded
 * only when it runs (or shows its usage), so `tunebench import` does not pay for the pipeline
 * language or the model code. Add a command here once: its name, one line for the help, its module.
 */
import type { CliCommand } from '../command.ts';

export interface CommandEntry {
  name: string;
  /** One line for `tunebench help`. */
  summary: string;
  load(): Promise<CliCommand>;
}

export const commands: CommandEntry[] = [
  { name: 'datasets', summary: 'list datasets with their versions, rows and sizes', load: async () => (await import('./datasets.ts')).datasetsCommand },
  { name: 'import', summary: 'validate a dataset file and store it as a new dataset version', load: async () => (await import('./import.ts')).importCommand },
  { name: 'validate', summary: 'check a dataset file and report problems with file:line:column', load: async () => (await import('./validate.ts')).validateCommand },
  { name: 'sql', summary: 'query the datasets with read-only DuckDB SQL', load: async () => (await import('./sql.ts')).sqlCommand },
  { name: 'stats', summary: 'show statistics of a dataset (roles, turns, chars, duplicates, metadata)', load: async () => (await import('./stats.ts')).statsCommand },
  { name: 'check', summary: 'check a .ftp pipeline and show every problem with its source line', load: async () => (await import('./check.ts')).checkCommand },
  { name: 'new', summary: 'write a fine-tuning pipeline from a few options (like the web form)', load: async () => (await import('./new.ts')).newCommand },
  { name: 'plan', summary: 'show a pipeline\'s stages, cache keys and SQL without running it', load: async () => (await import('./plan.ts')).planCommand },
  { name: 'run', summary: 'run a .ftp pipeline (cached stages, recorded as a run)', load: async () => (await import('./run.ts')).runCommand },
  { name: 'rerun', summary: 'run a recorded run\'s pipeline source again (cache hits explained)', load: async () => (await import('./rerun.ts')).rerunCommand },
  { name: 'cancel', summary: 'stop a run in progress (the run page\'s Cancel): a train stage checkpoints first', load: async () => (await import('./cancel.ts')).cancelCommand },
  { name: 'runs', summary: 'list recorded runs with status, duration and key metrics', load: async () => (await import('./runs.ts')).runsCommand },
  { name: 'show', summary: 'show a run: stages, timings, cache decisions, summaries, errors, source', load: async () => (await import('./show.ts')).showCommand },
  { name: 'compare', summary: 'compare the evaluations of runs (or the models of one run): metrics, significance, examples', load: async () => (await import('./compare.ts')).compareCommand },
  { name: 'score', summary: 'score hypotheses against references (BLEU, chrF, ROUGE; sacreBLEU/rouge-score exact)', load: async () => (await import('./score.ts')).scoreCommand },
  { name: 'models', summary: 'list, register and initialise base models; list, pin and delete fine-tuned ones', load: async () => (await import('./models.ts')).modelsCommand },
  { name: 'generate', summary: 'generate text from a model (greedy or sampled, KV cache)', load: async () => (await import('./generate.ts')).generateCommand },
  { name: 'logits', summary: "print a sequence's mean next-token loss and final-position logits", load: async () => (await import('./logits.ts')).logitsCommand },
  { name: 'tokenize', summary: "show a text's token ids with a model's tokenizer", load: async () => (await import('./tokenize.ts')).tokenizeCommand },
  { name: 'export', summary: 'export a trained model: PEFT adapter, merged model or INT8 model', load: async () => (await import('./export.ts')).exportCommand },
  { name: 'feedback', summary: "playground feedback: counts, and export as datasets (SFT rows, preference pairs)", load: async () => (await import('./feedback.ts')).feedbackCommand }
];
