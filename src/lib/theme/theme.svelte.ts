/**
 * The colour theme: the user's preference (light, dark or follow the system), persisted in
 * localStorage, and the theme actually in effect. The preference is applied as data-theme on
 * <html>, which pins `color-scheme` and therefore every light-dark() token in styles/tokens.css.
 * On the server the state stays at its defaults: only the browser ever calls start() or set().
 */
import { THEME_STORAGE_KEY, type ThemePreference, type ResolvedTheme, parsePreference } from './boot.ts';

class ThemeState {
  #preference = $state<ThemePreference>('system');
  #systemDark = $state(false);

  get preference(): ThemePreference {
    return this.#preference;
  }

  /** The theme in effect now: the preference, or the system's when the preference is 'system'. */
  get resolved(): ResolvedTheme {
    if (this.#preference === 'system') return this.#systemDark ? 'dark' : 'light';
    return this.#preference;
  }

  /** Reads the stored preference and follows system changes. Returns the cleanup. Browser only. */
  start(): () => void {
    this.#preference = parsePreference(readStorage());
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    this.#systemDark = media.matches;
    const onChange = (e: MediaQueryListEvent) => (this.#systemDark = e.matches);
    media.addEventListener('change', onChange);
    // Another tab changed the preference: follow it.
    const onStorage = (e: StorageEvent) => {
      if (e.key === THEME_STORAGE_KEY) this.#apply(parsePreference(e.newValue));
    };
    window.addEventListener('storage', onStorage);
    return () => {
      media.removeEventListener('change', onChange);
      window.removeEventListener('storage', onStorage);
    };
  }

  set(preference: ThemePreference): void {
    this.#apply(preference);
    try {
      if (preference === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
      else localStorage.setItem(THEME_STORAGE_KEY, preference);
    } catch {
      // Storage can be disabled (private mode, policy); the theme still applies to this page.
    }
  }

  /** Switches to the opposite of what is shown now, and remembers that choice. */
  toggle(): void {
    this.set(this.resolved === 'dark' ? 'light' : 'dark');
  }

  #apply(preference: ThemePreference) {
    this.#preference = preference;
    const root = document.documentElement;
    if (preference === 'system') delete root.dataset.theme;
    else root.dataset.theme = preference;
  }
}

function readStorage(): string | null {
  try {
    return localStorage.getItem(THEME_STORAGE_KEY);
  } catch {
    return null;
  }
}

export const theme = new ThemeState();
export type { ThemePreference, ResolvedTheme };
