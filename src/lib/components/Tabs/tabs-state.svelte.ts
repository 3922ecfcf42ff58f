/** The state Tabs.Root shares with its parts through context. */
import { getContext, setContext } from 'svelte';

const KEY = Symbol('tabs');

export class TabsState {
  #get: () => string;
  #set: (v: string) => void;
  readonly id: string;

  constructor(id: string, get: () => string, set: (v: string) => void) {
    this.id = id;
    this.#get = get;
    this.#set = set;
  }

  get value() {
    return this.#get();
  }

  select(v: string) {
    this.#set(v);
  }

  tabId(v: string) {
    return `${this.id}-tab-${v}`;
  }

  panelId(v: string) {
    return `${this.id}-panel-${v}`;
  }
}

export function provideTabs(state: TabsState): TabsState {
  return setContext(KEY, state);
}

export function useTabs(): TabsState {
  const s = getContext<TabsState | undefined>(KEY);
  if (!s) throw new Error('Tabs.List, Tabs.Trigger and Tabs.Content must be inside <Tabs.Root>');
  return s;
}
