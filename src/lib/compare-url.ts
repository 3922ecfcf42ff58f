/**
 * The compare page's URL is the comparison: it names the sides, so a link reproduces the page
 * (rendered on the server from the URL alone).
 *
 *   /compare?runs=RUN_A,RUN_B:tuned,RUN_C         2–4 runs, one model each (default: the eval's last model)
 *   /compare?run=RUN&models=base,tuned            models of one run's eval (default: all of them)
 *   &stage=eval   the eval stage (default: each run's last finished one)
 *   &by=rougeL    the per-example metric that ranks disagreements
 *   &top=20       how many disagreeing examples to list
 *
 * Pure: used by the server load, the picker and the links on other pages.
 */

export const MAX_SIDES = 4;
export const DEFAULT_TOP = 20;
export const MAX_TOP = 200;

const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;
/** Model labels as the pipeline writes them: base, tuned, tuned@best, tinystories-260k. */
const LABEL = /^[^\s,]{1,200}$/;
const STAGE = /^[A-Za-z0-9_.+@-]{1,120}$/;

export interface CompareOptionsQuery {
  stage: string | null;
  by: string | null;
  top: number;
}

export type CompareQuery =
  | ({ kind: 'runs'; sides: { run: string; model: string | null }[] } & CompareOptionsQuery)
  | ({ kind: 'models'; run: string; models: string[] } & CompareOptionsQuery)
  | { kind: 'none' };

export type Parsed = { ok: true; query: CompareQuery } | { ok: false; error: string; field: string };

function list(v: string | null): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function options(p: URLSearchParams): CompareOptionsQuery | { error: string; field: string } {
  const stage = p.get('stage')?.trim() || null;
  if (stage && !STAGE.test(stage)) return { error: `'${stage}' is not a stage name`, field: 'stage' };
  const by = p.get('by')?.trim() || null;
  if (by && !LABEL.test(by)) return { error: `'${by}' is not a metric key`, field: 'by' };
  const topText = p.get('top');
  const top = topText === null || topText === '' ? DEFAULT_TOP : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) return { error: `top must be a whole number from 1 to ${MAX_TOP} (got '${topText}')`, field: 'top' };
  return { stage, by, top };
}

export function parseCompareQuery(p: URLSearchParams): Parsed {
  const runs = p.get('runs');
  const run = p.get('run');
  if (runs === null && run === null) return { ok: true, query: { kind: 'none' } };
  if (runs !== null && run !== null) return { ok: false, error: 'give either runs=A,B (runs side by side) or run=ID&models=… (models of one run), not both', field: 'runs' };
  const opts = options(p);
  if ('error' in opts) return { ok: false, ...opts };
  if (runs !== null) {
    const sides: { run: string; model: string | null }[] = [];
    for (const ref of list(runs)) {
      const at = ref.indexOf(':');
      const id = at < 0 ? ref : ref.slice(0, at);
      const model = at < 0 ? null : ref.slice(at + 1) || null;
      if (!RUN_ID.test(id)) return { ok: false, error: `'${id}' is not a run id (runs look like 20261121-172501-ab12cd)`, field: 'runs' };
      if (model !== null && !LABEL.test(model)) return { ok: false, error: `'${model}' is not a model label`, field: 'runs' };
      if (sides.some((s) => s.run === id && s.model === model)) continue;
      sides.push({ run: id, model });
    }
    if (sides.length < 2) return { ok: false, error: `pick at least two runs to compare (got ${sides.length}); to compare the models of one run use run=ID`, field: 'runs' };
    if (sides.length > MAX_SIDES) return { ok: false, error: `compare at most ${MAX_SIDES} runs at a time (got ${sides.length})`, field: 'runs' };
    return { ok: true, query: { kind: 'runs', sides, ...opts } };
  }
  const id = run!.trim();
  if (!RUN_ID.test(id)) return { ok: false, error: `'${id}' is not a run id (runs look like 20261121-172501-ab12cd)`, field: 'run' };
  const models = [...new Set(list(p.get('models')))];
  const bad = models.find((m) => !LABEL.test(m));
  if (bad) return { ok: false, error: `'${bad}' is not a model label`, field: 'models' };
  if (models.length === 1) return { ok: false, error: 'pick at least two models of the run (or none for all of them)', field: 'models' };
  if (models.length > MAX_SIDES) return { ok: false, error: `compare at most ${MAX_SIDES} models at a time (got ${models.length})`, field: 'models' };
  return { ok: true, query: { kind: 'models', run: id, models, ...opts } };
}

/** The URL of a comparison (what parseCompareQuery reads back). */
export function compareHref(q: CompareQuery): string {
  if (q.kind === 'none') return '/compare';
  const p = new URLSearchParams();
  if (q.kind === 'runs') p.set('runs', q.sides.map((s) => (s.model ? `${s.run}:${s.model}` : s.run)).join(','));
  else {
    p.set('run', q.run);
    if (q.models.length) p.set('models', q.models.join(','));
  }
  if (q.stage) p.set('stage', q.stage);
  if (q.by) p.set('by', q.by);
  if (q.top !== DEFAULT_TOP) p.set('top', String(q.top));
  // Commas and colons stay readable in a shared link.
  return `/compare?${p.toString().replace(/%2C/gi, ',').replace(/%3A/gi, ':').replace(/%40/gi, '@')}`;
}

export function compareRunsHref(runs: string[], models: (string | null)[] = []): string {
  return compareHref({ kind: 'runs', sides: runs.map((run, i) => ({ run, model: models[i] ?? null })), stage: null, by: null, top: DEFAULT_TOP });
}

export function compareModelsHref(run: string, models: string[] = []): string {
  return compareHref({ kind: 'models', run, models, stage: null, by: null, top: DEFAULT_TOP });
}
