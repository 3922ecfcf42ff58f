/**
 * POST /v1/fine_tuning/jobs bodies → a JobSpec, or a 400 whose `param` names the field as the
 * request spelled it (method.supervised.hyperparameters.n_epochs). Hyperparameters are a number
 * or "auto" each, in OpenAI's ranges; "auto" is resolved by the trainer with OpenAI's rules
 * (src/engine/train/auto.ts). Only the supervised method exists here; dpo and reinforcement are
 * refused by name rather than ignored.
 */
import { randomInt } from 'node:crypto';
import { badParam } from '../errors.ts';

export type Auto<T> = T | 'auto';

export interface Hyperparameters {
  n_epochs: Auto<number>;
  batch_size: Auto<number>;
  learning_rate_multiplier: Auto<number>;
}

export interface JobSpec {
  model: string;
  training_file: string;
  validation_file: string | null;
  suffix: string | null;
  seed: number;
  metadata: Record<string, string> | null;
  method: 'supervised';
  hyperparameters: Hyperparameters;
}

/** OpenAI's accepted ranges. */
const RANGES = {
  n_epochs: { min: 1, max: 50, int: true },
  batch_size: { min: 1, max: 256, int: true },
  learning_rate_multiplier: { min: 0, max: 10, int: false, exclusiveMin: true }
} as const;

export const SEED_MAX = 2 ** 31 - 1;

type Body = Record<string, unknown>;

function isObject(v: unknown): v is Body {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `'${v}'` : typeof v === 'object' ? 'an object' : String(v);
}

function hyper(name: keyof Hyperparameters, v: unknown, param: string): Auto<number> {
  if (v === undefined || v === null || v === 'auto') return 'auto';
  const r = RANGES[name];
  const okType = typeof v === 'number' && Number.isFinite(v) && (!r.int || Number.isInteger(v));
  const low = 'exclusiveMin' in r ? (v as number) > r.min : (v as number) >= r.min;
  if (!okType || !low || (v as number) > r.max) {
    const kind = r.int ? 'a whole number' : 'a number';
    const range = 'exclusiveMin' in r ? `greater than ${r.min} and at most ${r.max}` : `from ${r.min} to ${r.max}`;
    throw badParam(param, `Invalid ${name}: ${describe(v)}. It must be "auto" or ${kind} ${range}.`, 'invalid_hyperparameter');
  }
  return v as number;
}

function readHyperparameters(h: unknown, prefix: string): Hyperparameters {
  if (h === undefined || h === null) return { n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto' };
  if (!isObject(h)) throw badParam(prefix, `${prefix} must be an object with n_epochs, batch_size and learning_rate_multiplier`, 'invalid_type');
  for (const k of Object.keys(h)) {
    if (!(k in RANGES)) throw badParam(`${prefix}.${k}`, `Unknown hyperparameter '${k}': use n_epochs, batch_size and learning_rate_multiplier`, 'unknown_parameter');
  }
  return {
    n_epochs: hyper('n_epochs', h.n_epochs, `${prefix}.n_epochs`),
    batch_size: hyper('batch_size', h.batch_size, `${prefix}.batch_size`),
    learning_rate_multiplier: hyper('learning_rate_multiplier', h.learning_rate_multiplier, `${prefix}.learning_rate_multiplier`)
  };
}

function requiredString(body: Body, key: string): string {
  const v = body[key];
  if (v === undefined || v === null || v === '') throw badParam(key, `Missing required parameter: '${key}'.`, 'missing_required_parameter');
  if (typeof v !== 'string') throw badParam(key, `Invalid type for '${key}': expected a string, but got ${describe(v)}.`, 'invalid_type');
  return v;
}

function optionalString(body: Body, key: string): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw badParam(key, `Invalid type for '${key}': expected a string, but got ${describe(v)}.`, 'invalid_type');
  return v;
}

/** Metadata as OpenAI limits it: at most 16 pairs, keys up to 64 characters, string values up to 512. */
export function readMetadata(v: unknown, param = 'metadata'): Record<string, string> | null {
  if (v === undefined || v === null) return null;
  if (!isObject(v)) throw badParam(param, `${param} must be an object of string values`, 'invalid_type');
  const entries = Object.entries(v);
  if (entries.length > 16) throw badParam(param, `${param} may hold at most 16 keys (got ${entries.length})`, 'invalid_metadata');
  for (const [k, x] of entries) {
    if (k.length > 64) throw badParam(`${param}.${k}`, `metadata keys are at most 64 characters`, 'invalid_metadata');
    if (typeof x !== 'string' || x.length > 512) throw badParam(`${param}.${k}`, `metadata values are strings of at most 512 characters`, 'invalid_metadata');
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Validates a create body. File and model existence are checked by the service (they need the workspace). */
export function parseJobSpec(body: unknown): JobSpec {
  if (!isObject(body)) throw badParam(null, 'The request body must be a JSON object.', 'invalid_body');
  const model = requiredString(body, 'model');
  const training_file = requiredString(body, 'training_file');
  const validation_file = optionalString(body, 'validation_file');
  const suffix = optionalString(body, 'suffix');
  if (suffix !== null && !/^[A-Za-z0-9_.-]{1,64}$/.test(suffix)) throw badParam('suffix', `Invalid suffix ${describe(suffix)}: up to 64 letters, digits, '-', '_' or '.'`, 'invalid_suffix');
  let seed: number;
  if (body.seed === undefined || body.seed === null) seed = randomInt(0, SEED_MAX);
  else if (typeof body.seed !== 'number' || !Number.isInteger(body.seed) || body.seed < 0 || body.seed > SEED_MAX) throw badParam('seed', `Invalid seed ${describe(body.seed)}: a whole number from 0 to ${SEED_MAX}`, 'invalid_seed');
  else seed = body.seed;
  const metadata = readMetadata(body.metadata);
  if (Array.isArray(body.integrations) && body.integrations.length) throw badParam('integrations', 'Integrations (Weights & Biases) are not available in tunebench: metrics are in the run store and the workbench', 'unsupported_parameter');

  let hyperparameters: Hyperparameters;
  const method = body.method;
  if (method !== undefined && method !== null) {
    if (!isObject(method)) throw badParam('method', 'method must be an object such as {"type": "supervised", "supervised": {"hyperparameters": {...}}}', 'invalid_type');
    if (method.type !== 'supervised') {
      const t = describe(method.type);
      throw badParam('method.type', method.type === 'dpo' || method.type === 'reinforcement' ? `The ${method.type} method is not supported by tunebench; use "supervised"` : `Invalid method.type ${t}: use "supervised"`, 'unsupported_method');
    }
    if (body.hyperparameters !== undefined && body.hyperparameters !== null) throw badParam('hyperparameters', 'Give hyperparameters in method.supervised.hyperparameters or in the deprecated top-level hyperparameters, not both', 'conflicting_parameters');
    const sup = method.supervised;
    if (sup !== undefined && sup !== null && !isObject(sup)) throw badParam('method.supervised', 'method.supervised must be an object', 'invalid_type');
    hyperparameters = readHyperparameters(isObject(sup) ? sup.hyperparameters : undefined, 'method.supervised.hyperparameters');
  } else hyperparameters = readHyperparameters(body.hyperparameters, 'hyperparameters');

  return { model, training_file, validation_file, suffix, seed, metadata, method: 'supervised', hyperparameters };
}
