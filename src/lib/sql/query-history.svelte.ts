/**
 * The SQL console's query history: newest first, de-duplicated, at most `limit` entries,
 * persisted in localStorage so it survives reloads. Browser only (load() reads storage).
 */
export interface HistoryEntry {
  sql: string;
  at: string;
  rows?: number;
  ms?: number;
  error?: string;
}

export class QueryHistory {
  #entries = $state.raw<HistoryEntry[]>([]);
  readonly key: string;
  readonly limit: number;

  constructor(key = 'tunebench.sql.history', limit = 50) {
    this.key = key;
    this.limit = limit;
  }

  get entries(): readonly HistoryEntry[] {
    return this.#entries;
  }

  load(): void {
    try {
      const parsed = JSON.parse(localStorage.getItem(this.key) ?? '[]') as unknown;
      this.#entries = Array.isArray(parsed) ? parsed.filter((e): e is HistoryEntry => !!e && typeof (e as HistoryEntry).sql === 'string').slice(0, this.limit) : [];
    } catch {
      this.#entries = [];
    }
  }

  add(entry: Omit<HistoryEntry, 'at'>): void {
    const sql = entry.sql.trim();
    if (!sql) return;
    this.#entries = [{ ...entry, sql, at: new Date().toISOString() }, ...this.#entries.filter((e) => e.sql !== sql)].slice(0, this.limit);
    this.#save();
  }

  clear(): void {
    this.#entries = [];
    this.#save();
  }

  #save() {
    try {
      localStorage.setItem(this.key, JSON.stringify(this.#entries));
    } catch {
      // storage full or disabled: history lives for this page only
    }
  }
}
