/**
 * Fine-tuned model ids, as OpenAI writes them:
 *
 *   ft:{base}:{org}:{suffix}:{tag}                  a job's model (suffix may be empty)
 *   ft:{base}:{org}:{suffix}:{tag}:ckpt-step-{N}    one of its checkpoints
 *
 * The org is TUNEBENCH_ORG (default "tunebench"). Jobs have 8-character tags. Models trained by
 * pipelines in the workbench (not through the API) get the run id as their tag and
 * "{pipeline}-{stage}" as their suffix, so every train stage of every run has a usable id.
 * Base model names never contain ':' (the registry's names are [A-Za-z0-9._-]).
 */

export interface FtName {
  base: string;
  org: string;
  suffix: string;
  tag: string;
  /** Checkpoint step, or null for the model itself. */
  step: number | null;
}

export function orgName(env: NodeJS.ProcessEnv = process.env): string {
  const o = env.TUNEBENCH_ORG?.trim();
  return o && /^[A-Za-z0-9_.-]+$/.test(o) ? o : 'tunebench';
}

export function formatFtName(n: Omit<FtName, 'step'> & { step?: number | null }): string {
  const id = `ft:${n.base}:${n.org}:${n.suffix}:${n.tag}`;
  return n.step === null || n.step === undefined ? id : `${id}:ckpt-step-${n.step}`;
}

const FT = /^ft:([A-Za-z0-9._-]+):([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]*):([A-Za-z0-9-]+)(?::ckpt-step-(\d+))?$/;

/** Parses a fine-tuned model id; null for anything else (base model names, typos). */
export function parseFtName(id: string): FtName | null {
  const m = FT.exec(id);
  if (!m) return null;
  return { base: m[1], org: m[2], suffix: m[3], tag: m[4], step: m[5] === undefined ? null : Number(m[5]) };
}

/** The model id without its checkpoint part. */
export function modelOfCheckpoint(id: string): string {
  return id.replace(/:ckpt-step-\d+$/, '');
}
