/**
 * The integration point for languages written for the app (the .ftp pipeline language comes from
 * dsl/language.ts): one call registers the language id, its Monarch tokens, its bracket/comment
 * configuration and its services (diagnostics as markers, completion, hover, go to definition,
 * format document) with Monaco. Pass it to <MonacoEditor setup={…}>:
 *
 *   <MonacoEditor language="ftp" setup={(monaco) => registerLanguage(monaco, { id: 'ftp', monarch, services })} />
 *
 * Registration is counted per id: a second call while the first is live adds nothing and returns
 * a disposable that releases its share, so several editors on a page can pass the same setup.
 */
import type * as MonacoNs from 'monaco-editor/editor/editor.api';
import type { Monaco } from './monaco-loader.ts';
import type { Completion, CompletionKind, LanguageServices, Severity, Span } from './types.ts';

export interface EditorLanguage {
  id: string;
  extensions?: string[];
  aliases?: string[];
  /** Tokens for syntax colouring. Omit it to add services to a language Monaco already has (sql). */
  monarch?: MonacoNs.languages.IMonarchLanguage;
  configuration?: MonacoNs.languages.LanguageConfiguration;
  services?: LanguageServices;
  /** Characters that open the completion list, e.g. ['.', '"']. */
  triggerCharacters?: string[];
  /** Wait after the last keystroke before diagnosing. */
  diagnosticsDelayMs?: number;
}

const live = new Map<string, { refs: number; dispose: () => void }>();

export function registerLanguage(monaco: Monaco, lang: EditorLanguage): MonacoNs.IDisposable {
  const existing = live.get(lang.id);
  if (existing) {
    existing.refs++;
    return { dispose: () => release(lang.id) };
  }
  const subs: MonacoNs.IDisposable[] = [];
  if (!monaco.languages.getLanguages().some((l) => l.id === lang.id)) {
    monaco.languages.register({ id: lang.id, extensions: lang.extensions, aliases: lang.aliases });
  }
  if (lang.monarch) subs.push(monaco.languages.setMonarchTokensProvider(lang.id, lang.monarch));
  if (lang.configuration) subs.push(monaco.languages.setLanguageConfiguration(lang.id, lang.configuration));
  const s = lang.services ?? {};
  if (s.complete) subs.push(completionProvider(monaco, lang, s.complete));
  if (s.hover) {
    const hover = s.hover;
    subs.push(
      monaco.languages.registerHoverProvider(lang.id, {
        provideHover: async (model, pos) => {
          const h = await hover(model.getValue(), { line: pos.lineNumber, column: pos.column });
          return h ? { contents: [{ value: h.markdown }], range: h.span ? toRange(monaco, h.span) : undefined } : null;
        }
      })
    );
  }
  if (s.definition) {
    const definition = s.definition;
    subs.push(
      monaco.languages.registerDefinitionProvider(lang.id, {
        provideDefinition: async (model, pos) => {
          const span = await definition(model.getValue(), { line: pos.lineNumber, column: pos.column });
          return span ? { uri: model.uri, range: toRange(monaco, span) } : null;
        }
      })
    );
  }
  if (s.format) {
    const format = s.format;
    subs.push(
      monaco.languages.registerDocumentFormattingEditProvider(lang.id, {
        provideDocumentFormattingEdits: async (model) => {
          const text = await format(model.getValue());
          return text === model.getValue() ? [] : [{ range: model.getFullModelRange(), text }];
        }
      })
    );
  }
  if (s.diagnose) subs.push(diagnostics(monaco, lang.id, s.diagnose, lang.diagnosticsDelayMs ?? 150));
  live.set(lang.id, { refs: 1, dispose: () => subs.forEach((d) => d.dispose()) });
  return { dispose: () => release(lang.id) };
}

function release(id: string) {
  const entry = live.get(id);
  if (!entry || --entry.refs > 0) return;
  live.delete(id);
  entry.dispose();
}

export function toRange(monaco: Monaco, span: Span): MonacoNs.IRange {
  return new monaco.Range(span.start.line, span.start.column, span.end.line, span.end.column);
}

export function markerSeverity(monaco: Monaco, s: Severity): MonacoNs.MarkerSeverity {
  return { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info, hint: monaco.MarkerSeverity.Hint }[s];
}

function completionKind(monaco: Monaco, k: CompletionKind): MonacoNs.languages.CompletionItemKind {
  const K = monaco.languages.CompletionItemKind;
  const map: Record<CompletionKind, MonacoNs.languages.CompletionItemKind> = {
    keyword: K.Keyword,
    operator: K.Operator,
    function: K.Function,
    column: K.Field,
    dataset: K.Module,
    stage: K.Variable,
    model: K.Class,
    metric: K.Value,
    property: K.Property,
    value: K.Constant,
    snippet: K.Snippet
  };
  return map[k];
}

function completionProvider(monaco: Monaco, lang: EditorLanguage, complete: NonNullable<LanguageServices['complete']>): MonacoNs.IDisposable {
  return monaco.languages.registerCompletionItemProvider(lang.id, {
    triggerCharacters: lang.triggerCharacters,
    provideCompletionItems: async (model, pos) => {
      const word = model.getWordUntilPosition(pos);
      const range = new monaco.Range(pos.lineNumber, word.startColumn, pos.lineNumber, word.endColumn);
      const items: Completion[] = await complete(model.getValue(), { line: pos.lineNumber, column: pos.column });
      return {
        suggestions: items.map((c) => ({
          label: c.label,
          kind: completionKind(monaco, c.kind),
          insertText: c.insertText ?? c.label,
          insertTextRules: c.snippet ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
          detail: c.detail,
          documentation: c.documentation ? { value: c.documentation } : undefined,
          range
        }))
      };
    }
  });
}

/** Re-diagnoses every model of the language shortly after each change; stale results are dropped. */
function diagnostics(monaco: Monaco, id: string, diagnose: NonNullable<LanguageServices['diagnose']>, delay: number): MonacoNs.IDisposable {
  const watched = new Map<string, MonacoNs.IDisposable>();
  const run = async (model: MonacoNs.editor.ITextModel) => {
    const version = model.getVersionId();
    const found = await diagnose(model.getValue());
    if (model.isDisposed() || model.getVersionId() !== version || model.getLanguageId() !== id) return;
    monaco.editor.setModelMarkers(
      model,
      id,
      found.map((d) => ({
        severity: markerSeverity(monaco, d.severity),
        message: d.message,
        code: d.code,
        startLineNumber: d.span.start.line,
        startColumn: d.span.start.column,
        endLineNumber: d.span.end.line,
        endColumn: d.span.end.column
      }))
    );
  };
  const watch = (model: MonacoNs.editor.ITextModel) => {
    const key = model.uri.toString();
    watched.get(key)?.dispose();
    watched.delete(key);
    if (model.getLanguageId() !== id) {
      monaco.editor.setModelMarkers(model, id, []);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sub = model.onDidChangeContent(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void run(model), delay);
    });
    watched.set(key, {
      dispose: () => {
        clearTimeout(timer);
        sub.dispose();
      }
    });
    void run(model);
  };
  monaco.editor.getModels().forEach(watch);
  const subs = [
    monaco.editor.onDidCreateModel(watch),
    monaco.editor.onDidChangeModelLanguage((e) => watch(e.model)),
    monaco.editor.onWillDisposeModel((m) => {
      watched.get(m.uri.toString())?.dispose();
      watched.delete(m.uri.toString());
    })
  ];
  return {
    dispose: () => {
      subs.forEach((s) => s.dispose());
      watched.forEach((w) => w.dispose());
      watched.clear();
      for (const m of monaco.editor.getModels()) monaco.editor.setModelMarkers(m, id, []);
    }
  };
}
