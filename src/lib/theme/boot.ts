/**
 * The theme's first-paint script. It runs inline in <head> (the root layout renders it), before
 * the body is parsed and long before the app's JavaScript, so a stored dark preference never
 * flashes light (or the reverse). Without a stored preference nothing is set and CSS follows
 * prefers-color-scheme on its own.
 */
export const THEME_STORAGE_KEY = 'tunebench.theme';

export type ThemePreference = 'light' | 'dark' | 'system';
export type ResolvedTheme = 'light' | 'dark';

export function parsePreference(stored: string | null | undefined): ThemePreference {
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

export const THEME_BOOT_SCRIPT =
  `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});` +
  `if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}})();`;

/** The <script> element to render in <head> (kept here: a literal closing script tag cannot sit in a .svelte script). */
export const THEME_BOOT_TAG = `<script>${THEME_BOOT_SCRIPT}<\/script>`;
