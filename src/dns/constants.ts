// DNS numbers used by kdns (RFC 1035, 3596, 2782, 6891, 8482).

export const Type = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33,
  OPT: 41, IXFR: 251, AXFR: 252, ANY: 255,
} as const;

export const Class = { IN: 1, CH: 3, ANY: 255 } as const;

export const Rcode = {
  NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5,
  /** Extended rcode (RFC 6891): carried half in the header, half in the OPT record. */
  BADVERS: 16,
} as const;

export const Opcode = { QUERY: 0 } as const;

const typeNames = new Map<number, string>(Object.entries(Type).map(([k, v]) => [v, k]));
const rcodeNames = new Map<number, string>(Object.entries(Rcode).map(([k, v]) => [v, k]));
const classNames = new Map<number, string>(Object.entries(Class).map(([k, v]) => [v, k]));

/** "A", "AAAA", ... or RFC 3597's "TYPE65" for types kdns has no name for. */
export function typeName(type: number): string {
  return typeNames.get(type) ?? `TYPE${type}`;
}

export function typeFromName(name: string): number | undefined {
  const upper = name.toUpperCase();
  const known = (Type as Record<string, number>)[upper];
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(upper);
  return m ? Number(m[1]) : undefined;
}

export function rcodeName(rcode: number): string {
  return rcodeNames.get(rcode) ?? `RCODE${rcode}`;
}

export function className(cls: number): string {
  return classNames.get(cls) ?? `CLASS${cls}`;
}

/** The largest UDP answer kdns sends, whatever the client offers (DNS flag day 2020). */
export const MAX_UDP_PAYLOAD = 1232;
/** The UDP answer limit without EDNS (RFC 1035 4.2.1). */
export const MIN_UDP_PAYLOAD = 512;
export const HEADER_SIZE = 12;
