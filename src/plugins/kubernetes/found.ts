// What a lookup found at one name, before it becomes a Response.

import type { Rec } from '../../dns/records.js';

/** The question a lookup answers: the owner to write (the query's case), its zone and type. */
export interface Query {
  readonly owner: string;
  readonly zone: string;
  readonly qtype: number;
}

export interface Found {
  /** The name exists: never NXDOMAIN then, for any type (RFC 8020, SPEC §1 **(kdns)**). */
  readonly exists: boolean;
  readonly answer: readonly Rec[];
  readonly additional: readonly Rec[];
  /** An ExternalName's target, to follow for A/AAAA after the CNAME in `answer`. */
  readonly alias?: string;
}

export const MISSING: Found = { exists: false, answer: [], additional: [] };

/** The name exists with these records (none: NODATA). */
export function found(answer: readonly Rec[] = [], additional: readonly Rec[] = []): Found {
  return { exists: true, answer, additional };
}
