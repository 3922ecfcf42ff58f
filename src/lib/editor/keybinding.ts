/** "Mod+Enter", "Mod+S", "Shift+Alt+F" → a Monaco keybinding number. */
import type { Monaco } from './monaco-loader.ts';

export function monacoKeybinding(monaco: Monaco, keys: string): number {
  const parts = keys.split('+');
  const key = parts.pop() ?? '';
  let code = 0;
  for (const m of parts.map((p) => p.toLowerCase())) {
    if (m === 'mod' || m === 'cmd' || m === 'meta') code |= monaco.KeyMod.CtrlCmd;
    else if (m === 'ctrl') code |= monaco.KeyMod.WinCtrl;
    else if (m === 'shift') code |= monaco.KeyMod.Shift;
    else if (m === 'alt' || m === 'option') code |= monaco.KeyMod.Alt;
    else throw new Error(`unknown modifier '${m}' in editor key '${keys}'`);
  }
  const K = monaco.KeyCode as unknown as Record<string, number>;
  const name = /^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : /^\d$/.test(key) ? `Digit${key}` : key;
  const kc = K[name];
  if (kc === undefined) throw new Error(`unknown key '${key}' in editor key '${keys}'`);
  return code | kc;
}
