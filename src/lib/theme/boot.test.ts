import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { THEME_BOOT_SCRIPT, THEME_BOOT_TAG, THEME_STORAGE_KEY, parsePreference } from './boot.ts';

function runBoot(stored: string | null, storageThrows = false) {
  const root = { dataset: {} as Record<string, string> };
  const localStorage = {
    getItem: (k: string) => {
      if (storageThrows) throw new Error('SecurityError');
      return k === THEME_STORAGE_KEY ? stored : null;
    }
  };
  vm.runInNewContext(THEME_BOOT_SCRIPT, { localStorage, document: { documentElement: root } });
  return root.dataset.theme;
}

describe('the first-paint theme script', () => {
  it('pins a stored light or dark choice and leaves anything else to the system', () => {
    expect(runBoot('dark')).toBe('dark');
    expect(runBoot('light')).toBe('light');
    expect(runBoot(null)).toBeUndefined();
    expect(runBoot('purple')).toBeUndefined();
    expect(runBoot('dark', true)).toBeUndefined(); // storage disabled: no error, no theme
  });
  it('is one inline script element', () => {
    expect(THEME_BOOT_TAG.startsWith('<script>') && THEME_BOOT_TAG.endsWith('</script>')).toBe(true);
    expect(parsePreference('dark')).toBe('dark');
    expect(parsePreference(undefined)).toBe('system');
  });
});
