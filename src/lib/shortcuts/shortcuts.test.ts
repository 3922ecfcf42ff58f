import { describe, expect, it } from 'vitest';
import { displayKeys, eventChord, parseChord, parseSequence } from './keys.ts';
import { ShortcutRegistry } from './shortcuts.svelte.ts';

const key = (k: string, mods: Partial<{ ctrl: boolean; alt: boolean; meta: boolean; shift: boolean }> = {}, timeStamp = 0) => {
  const e = { key: k, ctrlKey: !!mods.ctrl, altKey: !!mods.alt, metaKey: !!mods.meta, shiftKey: !!mods.shift, target: null, timeStamp, prevented: false, preventDefault() {
    e.prevented = true;
  } };
  return e;
};

describe('key notation', () => {
  it('writes chords in one canonical form', () => {
    expect(parseChord('Mod+Enter', false)).toBe('ctrl+Enter');
    expect(parseChord('Mod+Enter', true)).toBe('meta+Enter');
    expect(parseChord('Shift+?', false)).toBe('?'); // punctuation ignores Shift
    expect(parseChord('Shift+D', false)).toBe('shift+d');
    expect(parseChord('Ctrl++', false)).toBe('ctrl++');
    expect(parseSequence('g  d', false)).toEqual(['g', 'd']);
    expect(() => parseChord('Hyper+x', false)).toThrow(/unknown modifier 'hyper'/);
    expect(eventChord(key('?', { shift: true }))).toBe('?');
    expect(eventChord(key('D', { shift: true }))).toBe('shift+d');
    expect(eventChord(key('Shift', { shift: true }))).toBeNull();
    expect(displayKeys('Mod+Enter', true)).toEqual(['⌘ Enter']);
    expect(displayKeys('g d', false)).toEqual(['g', 'd']);
  });
});

describe('ShortcutRegistry', () => {
  it('runs sequences, lets later registrations win, and lets a handler decline', () => {
    const r = new ShortcutRegistry(false);
    const ran: string[] = [];
    r.register([
      { keys: 'g d', description: 'datasets', run: () => void ran.push('gd') },
      { keys: '/', description: 'search', run: () => false },
      { keys: 'Mod+Enter', description: 'run', run: () => void ran.push('run-layout') }
    ]);
    const off = r.register({ keys: 'Mod+Enter', description: 'run here', run: () => void ran.push('run-page') });
    expect(r.handle(key('g', {}, 0))).toBe(true);
    const d = key('d', {}, 100);
    expect(r.handle(d)).toBe(true);
    expect(d.prevented).toBe(true);
    const slash = key('/', {}, 200);
    expect(r.handle(slash)).toBe(false); // declined: "/" types normally
    expect(slash.prevented).toBe(false);
    r.handle(key('Enter', { ctrl: true }, 300));
    off();
    r.handle(key('Enter', { ctrl: true }, 400));
    expect(ran).toEqual(['gd', 'run-page', 'run-layout']);
    expect(r.list.map((s) => s.keys)).toEqual(['g d', '/', 'Mod+Enter']);
  });

  it('forgets a half-typed sequence after a pause, and restarts on a wrong second key', () => {
    const r = new ShortcutRegistry(false);
    const ran: string[] = [];
    r.register([{ keys: 'g d', description: 'd', run: () => void ran.push('gd') }]);
    r.handle(key('g', {}, 0));
    r.handle(key('d', {}, 5000)); // too late
    r.handle(key('g', {}, 6000));
    r.handle(key('x', {}, 6100)); // wrong key: sequence dropped
    r.handle(key('d', {}, 6200));
    expect(ran).toEqual([]);
    r.handle(key('g', {}, 7000));
    r.handle(key('g', {}, 7100)); // "g g" restarts at the second g
    r.handle(key('d', {}, 7200));
    expect(ran).toEqual(['gd']);
  });
});
