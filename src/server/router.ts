// Query routing within one listener: the longest zone suffix of the query name wins (SPEC §4).

import { isSubdomain } from '../dns/names.js';

export class Router<T> {
  private readonly zones = new Map<string, T>();
  /** The zones longest first, so that the first one a name lies in is the longest match. */
  private byLength: [string, T][] = [];

  add(zone: string, route: T): void {
    this.zones.set(zone, route);
    this.byLength = [...this.zones].sort((a, b) => b[0].length - a[0].length);
  }

  has(zone: string): boolean {
    return this.zones.has(zone);
  }

  /**
   * The route of the longest zone that `lname` (lower-case FQDN) equals or lies below.
   * A scan of suffix comparisons: a listener has a few zones, and walking the name's
   * own suffixes instead would allocate and hash a string per label.
   */
  match(lname: string): T | undefined {
    for (const [zone, route] of this.byLength) if (isSubdomain(lname, zone)) return route;
    return undefined;
  }

  get size(): number {
    return this.zones.size;
  }
}
