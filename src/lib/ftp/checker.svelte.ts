/**
 * Live checking of .ftp text in the browser with the dsl/ checker itself (parse → check →
 * compile): diagnostics for the squiggles and the problems list, and the compiled Plan for the
 * DAG when there are no errors. Facts: the page's prefetched workspace facts, plus file-source
 * and SQL-snippet facts asked from the server once per key (the first result is published at
 * once; the checks that needed them follow when they arrive).
 */
import { api } from '$lib/api/client';
import type { EditorMarker } from '$lib/editor/types';
import type * as Dsl from '../../../dsl/index.ts';
import type { Facts, Needs } from '../../../dsl/facts.ts';
import type { Plan } from '../../../dsl/plan.ts';
import { answerLocally, hasMissing, NO_FACTS, type EditorFacts } from './editor-facts.ts';

export type DslModule = typeof Dsl;

/** The language, loaded on demand (Chevrotain and the checker stay out of first paint). */
export function loadDsl(): Promise<DslModule> {
  return import('../../../dsl/index.ts');
}

export interface Problem {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  help: string[];
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export class FtpChecker {
  #dsl: DslModule | null = null;
  #base = $state.raw<EditorFacts>(NO_FACTS);
  #remote: Facts = { files: {}, sql: {} };
  #problems = $state.raw<Problem[]>([]);
  #plan = $state.raw<Plan | null>(null);
  #checked = $state(false);
  #remoteError = $state.raw<unknown>(null);
  #text = '';
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Keys already asked of the server (never asked twice, even if it had no answer). */
  #asked = new Set<string>();
  readonly delayMs: number;

  constructor(delayMs = 150) {
    this.delayMs = delayMs;
  }

  /** Diagnostics of the latest check, in source order. */
  get problems() {
    return this.#problems;
  }
  get markers(): EditorMarker[] {
    return this.#problems.map((p) => ({ severity: p.severity, message: p.help.length ? `${p.message}\n${p.help.map((h) => `help: ${h}`).join('\n')}` : p.message, code: p.code, line: p.line, column: p.column, endLine: p.endLine, endColumn: p.endColumn, source: 'ftp' }));
  }
  get errors() {
    return this.#problems.filter((p) => p.severity === 'error').length;
  }
  /** The compiled plan of the latest check; null while there are errors. */
  get plan() {
    return this.#plan;
  }
  /** Whether a first check has finished. */
  get checked() {
    return this.#checked;
  }
  /** A failure to get server facts (the check went on without them). */
  get remoteError() {
    return this.#remoteError;
  }
  get dsl() {
    return this.#dsl;
  }

  /** Facts for the editor services (completion, hover): every dataset, models, and what the server answered. */
  get facts(): Facts {
    return { datasets: this.#base.datasets, models: this.#base.models, files: this.#remote.files, sql: this.#remote.sql };
  }

  attach(dsl: DslModule): void {
    this.#dsl = dsl;
    this.#run(this.#text);
  }

  /** New workspace facts (page load, after a save): re-checks the current text. */
  setFacts(f: EditorFacts): void {
    this.#base = f;
    this.#remote = { files: {}, sql: {} }; // files and SQL may have changed too
    this.#asked.clear();
    this.#run(this.#text);
  }

  /** Checks `text` after a short pause (each keystroke restarts it). */
  update(text: string): void {
    this.#text = text;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(text), this.delayMs);
  }

  /** Checks now. */
  now(text: string): void {
    clearTimeout(this.#timer);
    this.#text = text;
    this.#run(text);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#generation++;
  }

  #run(text: string): void {
    const dsl = this.#dsl;
    if (!dsl) return;
    const gen = ++this.#generation;
    const parsed = dsl.parse(text);
    let result = dsl.check(parsed, {});
    let missing: Needs | null = null;
    for (let round = 0; round < 4 && dsl.hasNeeds(result.needs); round++) {
      const local = answerLocally(result.needs, this.#base, this.#remote);
      result = dsl.check(parsed, local.facts);
      if (hasMissing(local.missing)) {
        missing = local.missing;
        break;
      }
    }
    this.#publish(dsl, text, result);
    if (missing) void this.#fetchRemote(missing).then((ok) => ok && gen === this.#generation && this.#run(text));
  }

  #publish(dsl: DslModule, text: string, result: ReturnType<DslModule['check']>): void {
    const index = new dsl.LineIndex(text);
    this.#problems = result.diagnostics.map((d) => {
      const s = index.position(d.span.start);
      const e = index.position(Math.max(d.span.end, d.span.start + 1));
      return { severity: d.severity, code: d.code, message: d.message, help: d.help, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
    });
    let plan: Plan | null = null;
    if (result.program && !dsl.hasErrors(result.diagnostics)) {
      try {
        plan = dsl.compile(result);
      } catch {
        plan = null;
      }
    }
    this.#plan = plan;
    this.#checked = true;
  }

  async #fetchRemote(all: Needs): Promise<boolean> {
    const needs: Needs = { datasets: [], models: false, files: all.files.filter((f) => !this.#asked.has(f.key)), sql: all.sql.filter((s) => !this.#asked.has(s.key)) };
    if (!needs.files.length && !needs.sql.length) return false;
    for (const n of [...needs.files, ...needs.sql]) this.#asked.add(n.key);
    try {
      const got = await api.post<Facts>('/api/facts', { needs });
      this.#remote = { files: { ...this.#remote.files, ...got.files }, sql: { ...this.#remote.sql, ...got.sql } };
      this.#remoteError = null;
      return true;
    } catch (e) {
      this.#remoteError = e;
      return false;
    }
  }
}
