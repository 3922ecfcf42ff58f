/**
 * Loads Monaco in the browser, once, on demand: the editor core, its editor features (find,
 * suggest, hover, folding…) and the editor worker bundled by Vite. No language bundles come
 * along except those asked for through ensureLanguage(); the TypeScript/CSS/HTML/JSON language
 * workers are never loaded. Never import this module from server code.
 */
import type * as MonacoNs from 'monaco-editor/editor/editor.api';

export type Monaco = typeof MonacoNs;
export type CodeEditor = MonacoNs.editor.IStandaloneCodeEditor;

let loading: Promise<Monaco> | undefined;

export function loadMonaco(): Promise<Monaco> {
  if (typeof window === 'undefined') return Promise.reject(new Error('Monaco runs in the browser only'));
  loading ??= (async () => {
    const [{ default: EditorWorker }, monaco] = await Promise.all([import('monaco-editor/editor/editor.worker?worker'), import('monaco-editor/editor/editor.api')]);
    // The only worker needed: diffing, word-based suggestions and link detection run in it.
    (self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = { getWorker: () => new EditorWorker() };
    await import('monaco-editor/features/register.all');
    defineThemes(monaco);
    return monaco;
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}

/** Monaco's own language definitions that pages may use, loaded lazily. */
const BUILTIN: Record<string, () => Promise<unknown>> = {
  sql: () => import('monaco-editor/languages/definitions/sql/register'),
  markdown: () => import('monaco-editor/languages/definitions/markdown/register')
};

/** Makes a built-in language (sql, markdown) available; languages registered by the app need nothing. */
export async function ensureLanguage(id: string): Promise<void> {
  await BUILTIN[id]?.();
}

export function themeName(resolved: 'light' | 'dark'): string {
  return resolved === 'dark' ? 'tunebench-dark' : 'tunebench-light';
}

/** Editor themes matching styles/tokens.css (Monaco needs literal colours). */
function defineThemes(monaco: Monaco) {
  monaco.editor.defineTheme('tunebench-light', {
    base: 'vs',
    inherit: true,
    rules: [],
    colors: {
      'editor.background': '#ffffff',
      'editorGutter.background': '#f6f7f9',
      'editorLineNumber.foreground': '#8a909b',
      'editor.lineHighlightBackground': '#f6f7f9'
    }
  });
  monaco.editor.defineTheme('tunebench-dark', {
    base: 'vs-dark',
    inherit: true,
    rules: [],
    colors: {
      'editor.background': '#14161b',
      'editorGutter.background': '#1a1d23',
      'editorLineNumber.foreground': '#6d7480',
      'editor.lineHighlightBackground': '#1f232a'
    }
  });
}
