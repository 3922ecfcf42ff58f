/** Gives each distinct string a small integer id (ids start at 0 and are dense). */
export class Interner {
  private ids = new Map<string, number>();

  get size(): number {
    return this.ids.size;
  }

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(s, id);
    }
    return id;
  }
}
