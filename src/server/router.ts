// Query routing within one listener: the longest zone suffix of the query name wins (SPEC §4).

export class Router<T> {
  private readonly zones = new Map<string, T>();

  add(zone: string, route: T): void {
    this.zones.set(zone, route);
  }

  has(zone: string): boolean {
    return this.zones.has(zone);
  }

  /** The route of the longest zone that `lname` (lower-case FQDN) equals or lies below. */
  match(lname: string): T | undefined {
    let name = lname;
    for (;;) {
      const route = this.zones.get(name);
      if (route !== undefined) return route;
      if (name === '.') return undefined;
      const dot = nextLabel(name);
      name = dot < 0 ? '.' : name.slice(dot);
    }
  }

  get size(): number {
    return this.zones.size;
  }
}

/** Index just past the first label separator of a presentation name, or -1 at the last label. */
function nextLabel(name: string): number {
  for (let i = 0; i < name.length - 1; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c) { i += name.charCodeAt(i + 1) >= 0x30 && name.charCodeAt(i + 1) <= 0x39 ? 3 : 1; continue; }
    if (c === 0x2e) return i + 1;
  }
  return -1;
}
