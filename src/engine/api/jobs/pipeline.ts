/**
 * A fine-tuning job as a .ftp pipeline: the job's parameters written as pipeline text, which is
 * what runs (the normal runtime: check, compile, stage cache, run store) and what is saved with
 * the run, so a job can be opened, compared and rerun in the workbench like any pipeline.
 *
 *   pipeline ftjob_<tag> "Fine-tuning job ftjob-… (POST /v1/fine_tuning/jobs)"
 *   dataset file_<id> from ".tunebench/files/file-<id>/content.jsonl"
 *   train model from file_<id> [validate file_<id2>] {
 *     base "tinystories-260k"
 *     method lora
 *     epochs auto batch_size 8 learning_rate_multiplier auto
 *     seed 1234
 *   }
 *
 * Dataset names are the file ids (file-AbC… → file_AbC…): each uploaded file becomes one dataset
 * in the catalog, with import lineage to its stored bytes.
 */
import type { JobSpec } from './spec.ts';

/** The train stage's name in every job pipeline. */
export const JOB_TRAIN_STAGE = 'model';

export function datasetNameOf(fileId: string): string {
  return fileId.replace(/-/g, '_');
}

export function pipelineNameOf(tag: string): string {
  return `ftjob_${tag}`;
}

/** The file name a job's pipeline is recorded under (run.json `file`). */
export function pipelineFileOf(jobId: string): string {
  return `fine_tuning/jobs/${jobId}.ftp`;
}

function str(s: string): string {
  return JSON.stringify(s);
}

const value = (v: number | 'auto') => (v === 'auto' ? 'auto' : String(v));

export interface JobFiles {
  /** Workspace-relative path of the stored training file. */
  training: string;
  validation: string | null;
}

export function jobPipeline(job: { id: string; tag: string; spec: JobSpec; created_at: string }, files: JobFiles): string {
  const s = job.spec;
  const h = s.hyperparameters;
  const train = datasetNameOf(s.training_file);
  const valid = s.validation_file ? datasetNameOf(s.validation_file) : null;
  const meta = s.metadata && Object.keys(s.metadata).length ? `# metadata: ${JSON.stringify(s.metadata)}\n` : '';
  return [
    `# Fine-tuning job ${job.id}, created ${job.created_at} through POST /v1/fine_tuning/jobs.`,
    `# Written by tunebench from the job's parameters; edit and rerun it like any pipeline.`,
    `${meta}pipeline ${pipelineNameOf(job.tag)} ${str(`Fine-tuning job ${job.id}${s.suffix ? ` (${s.suffix})` : ''}: ${s.model}`)}`,
    '',
    `dataset ${train} from ${str(files.training)}`,
    ...(valid && files.validation && valid !== train ? [`dataset ${valid} from ${str(files.validation)}`] : []),
    '',
    `train ${JOB_TRAIN_STAGE} from ${train}${valid ? ` validate ${valid}` : ''} {`,
    `  base ${str(s.model)}`,
    `  method lora`,
    `  epochs ${value(h.n_epochs)} batch_size ${value(h.batch_size)} learning_rate_multiplier ${value(h.learning_rate_multiplier)}`,
    `  seed ${s.seed}`,
    `}`,
    ''
  ].join('\n');
}
