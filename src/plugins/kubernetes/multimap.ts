// Small index structures for ClusterStore. Value arrays are replaced, never
// mutated, so an array a caller got from a lookup stays as it was.

const EMPTY: readonly never[] = Object.freeze([]);

/** Key -> several values (most keys hold one), compared by identity. */
export class MultiIndex<V> {
  private readonly map = new Map<string, readonly V[]>();

  get(key: string): readonly V[] {
    return this.map.get(key) ?? EMPTY;
  }

  add(key: string, value: V): void {
    const cur = this.map.get(key);
    this.map.set(key, cur ? [...cur, value] : [value]);
  }

  /** Drops the values for which `drop` is true. */
  removeWhere(key: string, drop: (v: V) => boolean): void {
    const cur = this.map.get(key);
    if (!cur) return;
    const kept = cur.filter((v) => !drop(v));
    if (kept.length === cur.length) return;
    if (kept.length === 0) this.map.delete(key);
    else this.map.set(key, kept);
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
