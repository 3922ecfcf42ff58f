/**
 * Editor-neutral types for markers and language services: positions are 1-based lines and
 * columns (as in `file:line:col` diagnostics and in Monaco). dsl/ can produce these without
 * importing Monaco; language.ts turns them into Monaco providers.
 */

export interface Position {
  line: number;
  column: number;
}

/** End is exclusive. */
export interface Span {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A squiggle: the editor's view of a diagnostic. Without an end it covers the word at (line, column). */
export interface EditorMarker {
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  code?: string;
  source?: string;
}

export interface Diagnostic {
  severity: Severity;
  message: string;
  span: Span;
  code?: string;
}

export type CompletionKind = 'keyword' | 'operator' | 'function' | 'column' | 'dataset' | 'stage' | 'model' | 'metric' | 'property' | 'value' | 'snippet';

export interface Completion {
  label: string;
  kind: CompletionKind;
  /** Text to insert; default: the label. With `snippet`, Monaco snippet syntax ($1, ${2:name}). */
  insertText?: string;
  snippet?: boolean;
  detail?: string;
  /** Markdown. */
  documentation?: string;
}

export interface HoverInfo {
  /** Markdown. */
  markdown: string;
  span?: Span;
}

type MaybePromise<T> = T | Promise<T>;

/** What a language offers the editor. Every function sees the whole text: the languages here are small. */
export interface LanguageServices {
  diagnose?(text: string): MaybePromise<Diagnostic[]>;
  complete?(text: string, at: Position): MaybePromise<Completion[]>;
  hover?(text: string, at: Position): MaybePromise<HoverInfo | null>;
  /** Where the name at `at` is defined (a stage name → its stage block). */
  definition?(text: string, at: Position): MaybePromise<Span | null>;
  /** The whole document, formatted. */
  format?(text: string): MaybePromise<string>;
}
