// Small index structures for ClusterStore. Lookups hand out arrays that are
// never changed afterwards: an index replaces a key's array rather than editing it.

const NONE: readonly never[] = Object.freeze([]);

/** Key -> several values (nearly every key holds one), compared by identity. */
export class MultiIndex<V extends object> {
  // A single value is stored bare: an array per key would cost ~56 bytes for each of
  // 100,000 addresses; lookups wrap it instead (PTR-rate, not a hot path).
  private readonly map = new Map<string, V | readonly V[]>();

  get(key: string): readonly V[] {
    const v = this.map.get(key);
    return v === undefined ? NONE : Array.isArray(v) ? v : [v as V];
  }

  add(key: string, value: V): void {
    const cur = this.map.get(key);
    if (cur === undefined) this.map.set(key, value);
    // concat, not spread: spread leaves spare room in every array.
    else this.map.set(key, Array.isArray(cur) ? cur.concat([value]) : [cur as V, value]);
  }

  /** Removes `value` from the key's values. */
  remove(key: string, value: V): void {
    const cur = this.map.get(key);
    if (cur === value) { this.map.delete(key); return; }
    if (!Array.isArray(cur)) return;
    const kept = cur.filter((v) => v !== value);
    if (kept.length === 0) this.map.delete(key);
    else this.map.set(key, kept.length === 1 ? kept[0]! : kept.slice()); // filter's result has spare room
  }
}

/** (namespace, name) -> value, as one small map per namespace rather than a joined key per object. */
export class NamespacedMap<V> {
  private readonly byNs = new Map<string, Map<string, V>>();

  get(namespace: string, name: string): V | undefined {
    return this.byNs.get(namespace)?.get(name);
  }

  set(namespace: string, name: string, value: V): void {
    let m = this.byNs.get(namespace);
    if (!m) this.byNs.set(namespace, (m = new Map()));
    m.set(name, value);
  }

  delete(namespace: string, name: string): void {
    const m = this.byNs.get(namespace);
    if (!m) return;
    m.delete(name);
    if (m.size === 0) this.byNs.delete(namespace);
  }

  /** Every (namespace, name) pair held, for replaceAll's sweep. */
  *keys(): IterableIterator<[string, string]> {
    for (const [ns, m] of this.byNs) for (const name of m.keys()) yield [ns, name];
  }
}
