/**
 * The "new fine-tuning task" form → .ftp text. The form never stores its values: it writes a
 * pipeline, which is then checked by the same dsl/ checker as any other (in the browser for the
 * preview, on the server before the file is written) and edited in the editor from then on.
 * Pure: no I/O, no dsl import (the page stays light); the caller checks the text.
 */

export type TrainingMethod = 'lora' | 'full';

export type TaskData =
  /** One dataset, split into train / validation / test parts by percentages. */
  | { kind: 'split'; dataset: string; validation: number; test: number; seed: number }
  /** Separate datasets; validation and evaluation are optional. */
  | { kind: 'datasets'; train: string; validation: string | null; evaluation: string | null };

export interface TaskForm {
  /** The file name (pipelines/NAME.ftp). */
  name: string;
  description: string;
  method: TrainingMethod;
  base: string;
  epochs: number;
  learningRate: number;
  batchSize: number;
  maxLength: number;
  /** LoRA only. */
  rank: number;
  alpha: number;
  data: TaskData;
  /** Metric names (dsl/metrics.ts); `intent_accuracy` / `intent_f1` take the label column below. */
  metrics: string[];
  /** The label column of intent metrics (e.g. intent). */
  labelColumn: string | null;
}

export const DEFAULT_TASK: TaskForm = {
  name: '',
  description: '',
  method: 'lora',
  base: '',
  epochs: 3,
  learningRate: 2e-4,
  batchSize: 8,
  maxLength: 512,
  rank: 16,
  alpha: 32,
  data: { kind: 'split', dataset: '', validation: 10, test: 10, seed: 42 },
  metrics: ['bleu', 'rougeL'],
  labelColumn: null
};

/** Metrics that need a label column (`metric(against COLUMN)`). */
export const LABEL_METRICS = ['intent_accuracy', 'intent_f1'];

const RESERVED = new Set(['and', 'or', 'not', 'in', 'between', 'like', 'matches', 'is', 'null', 'true', 'false']);

/** A name as .ftp source: as is when it is a plain identifier, else in backticks. */
export function ftpName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `\`${name.replace(/[`\n\r]/g, '')}\``;
}

/** A one-line string literal. */
export function ftpString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n|\r/g, ' ').replace(/\t/g, '\\t')}"`;
}

/** A number as the lexer reads it: 2e-4 rather than 0.0002. */
export function ftpNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n !== 0 && Math.abs(n) < 1e-3) return n.toExponential();
  return String(n);
}

/** The `pipeline` identifier for a file name: support-bot → support_bot. */
export function pipelineIdent(fileName: string): string {
  let id = fileName.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[A-Za-z_]/.test(id)) id = `p_${id}`;
  if (RESERVED.has(id)) id = `${id}_pipeline`;
  return id || 'pipeline_1';
}

function metricList(f: TaskForm): string[] {
  return f.metrics.map((m) => (LABEL_METRICS.includes(m) && f.labelColumn ? `${m}(against ${ftpName(f.labelColumn)})` : m));
}

/** The pipeline the form describes. */
export function taskToFtp(f: TaskForm): string {
  const out: string[] = [];
  const desc = f.description.trim();
  if (desc) for (const line of desc.split(/\r?\n/)) out.push(`# ${line}`.trimEnd());
  out.push('# A fine-tuning task (the web form, or tunebench new). This text is the pipeline: edit it freely.');
  out.push(`pipeline ${pipelineIdent(f.name)}${desc ? ` ${ftpString(desc.split(/\r?\n/)[0])}` : ''}`, '');

  let trainRef: string;
  let validRef: string | null;
  let evalRef: string | null;
  const d = f.data;
  if (d.kind === 'split') {
    out.push(`dataset data from workspace ${ftpName(d.dataset)}`, '');
    const train = 100 - d.validation - d.test;
    const parts = [`train ${train}%`, ...(d.validation > 0 ? [`val ${d.validation}%`] : []), ...(d.test > 0 ? [`test ${d.test}%`] : [])];
    out.push(`split data into ${parts.join(', ')} seed ${d.seed}`, '');
    trainRef = 'train';
    validRef = d.validation > 0 ? 'val' : null;
    evalRef = d.test > 0 ? 'test' : validRef;
  } else {
    out.push(`dataset train_data from workspace ${ftpName(d.train)}`);
    if (d.validation) out.push(`dataset val_data from workspace ${ftpName(d.validation)}`);
    if (d.evaluation) out.push(`dataset eval_data from workspace ${ftpName(d.evaluation)}`);
    out.push('');
    trainRef = 'train_data';
    validRef = d.validation ? 'val_data' : null;
    evalRef = d.evaluation ? 'eval_data' : validRef;
  }

  out.push(`train tuned from ${trainRef}${validRef ? ` validate ${validRef}` : ''} {`);
  out.push(`  base ${ftpString(f.base)}`);
  out.push(f.method === 'lora' ? `  method lora rank ${f.rank} alpha ${f.alpha}` : '  method full');
  out.push(`  epochs ${f.epochs} learning_rate ${ftpNumber(f.learningRate)} batch_size ${f.batchSize} max_length ${f.maxLength}`);
  out.push('}');

  const metrics = metricList(f);
  if (metrics.length && evalRef) {
    out.push('', `eval [base, tuned] on ${evalRef} {`, `  metrics ${metrics.join(', ')}`, '}');
  }
  return out.join('\n') + '\n';
}

/** Problems the form can tell before any text exists (field → message). */
export function taskErrors(f: TaskForm): Record<string, string> {
  const e: Record<string, string> = {};
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(f.name)) e.name = 'Letters, digits, _ and - (the file is pipelines/NAME.ftp).';
  if (!f.base) e.base = 'Choose the model to start from.';
  const d = f.data;
  if (d.kind === 'split') {
    if (!d.dataset) e.dataset = 'Choose the dataset to split.';
    if (d.validation < 0 || d.test < 0 || d.validation + d.test >= 100) e.split = 'Validation and test together must leave some data for training.';
  } else if (!d.train) e.dataset = 'Choose the training dataset.';
  if (!(f.epochs >= 1 && Number.isInteger(f.epochs))) e.epochs = 'A whole number of epochs, at least 1.';
  if (!(f.learningRate > 0 && f.learningRate < 1)) e.learningRate = 'A learning rate between 0 and 1, e.g. 2e-4.';
  if (!(f.batchSize >= 1 && Number.isInteger(f.batchSize))) e.batchSize = 'A whole batch size, at least 1.';
  if (!(f.maxLength >= 16 && Number.isInteger(f.maxLength))) e.maxLength = 'At least 16 tokens.';
  if (f.method === 'lora' && !(f.rank >= 1 && Number.isInteger(f.rank))) e.rank = 'A whole LoRA rank, at least 1.';
  if (f.method === 'lora' && !(f.alpha > 0)) e.alpha = 'LoRA alpha must be positive.';
  if (f.metrics.some((m) => LABEL_METRICS.includes(m)) && !f.labelColumn) e.metrics = 'Intent metrics need the column that holds the label.';
  return e;
}

/** A blank new pipeline: a first dataset source, ready to be written on. */
export function starterSource(name: string, dataset?: string | null): string {
  const src = dataset ? `dataset data from workspace ${ftpName(dataset)}` : `dataset data from "datasets/FILE.jsonl"   # or: from workspace NAME`;
  return `# ${name}: what this pipeline does, in a sentence.\npipeline ${pipelineIdent(name || 'new')}\n\n${src}\n\nstage clean from data {\n  filter turns >= 1\n}\n`;
}
