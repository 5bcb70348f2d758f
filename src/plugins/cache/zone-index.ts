// Which cache keys lie under the zones whose data changes (those a plugin has
// announced a change for, e.g. cluster.local), so that a change drops exactly those
// entries without a sweep over the whole cache each time.

import { isSubdomain } from '../../dns/names.js';

export class ZoneIndex {
  private readonly byZone = new Map<string, Set<string>>();

  /** Records a stored entry. */
  add(key: string, lname: string): void {
    for (const [zone, keys] of this.byZone) if (isSubdomain(lname, zone)) keys.add(key);
  }

  /** Forgets an entry that left the cache. */
  remove(key: string, lname: string): void {
    for (const [zone, keys] of this.byZone) if (isSubdomain(lname, zone)) keys.delete(key);
  }

  /** True when `lname` lies in a zone that has changed before (its answers may change again). */
  changing(lname: string): boolean {
    for (const zone of this.byZone.keys()) if (isSubdomain(lname, zone)) return true;
    return false;
  }

  /**
   * The keys under `zone`. The first time a zone is asked for, `all` (every
   * stored key and its name) is swept once; from then on the zone is tracked.
   */
  keysUnder(zone: string, all: () => Iterable<[string, string]>): string[] {
    let keys = this.byZone.get(zone);
    if (keys === undefined) {
      keys = new Set();
      for (const [key, lname] of all()) if (isSubdomain(lname, zone)) keys.add(key);
      this.byZone.set(zone, keys);
    }
    return [...keys];
  }
}
