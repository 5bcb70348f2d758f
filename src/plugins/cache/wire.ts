// What the cache needs from a message's bytes: where the TTLs are, so that a hit
// costs a copy and a few writes instead of an encoding, and where the OPT record is,
// since each client gets its own.

import { HEADER_SIZE, Type } from '../../dns/constants.js';
import { Reader, skipName } from '../../dns/names.js';

export interface RecordScan {
  /** Offset of the TTL of every record except OPT. */
  ttls: number[];
  /** Offset of the OPT record, or -1. */
  opt: number;
  /** Where the OPT record ends. */
  optEnd: number;
}

/** Walks a whole message without decoding it; throws WireError on a malformed one. */
export function scanRecords(wire: Buffer): RecordScan {
  const r = new Reader(wire, HEADER_SIZE);
  for (let i = wire.readUInt16BE(4); i > 0; i--) { skipName(r); r.bytes(4); }
  const count = wire.readUInt16BE(6) + wire.readUInt16BE(8) + wire.readUInt16BE(10);
  const ttls: number[] = [];
  let opt = -1, optEnd = -1;
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    skipName(r);
    const type = r.u16();
    r.bytes(2);
    const ttlAt = r.pos;
    r.bytes(4);
    r.bytes(r.u16());
    if (type === Type.OPT) { opt = at; optEnd = r.pos; } else ttls.push(ttlAt);
  }
  return { ttls, opt, optEnd };
}

export function patchTtls(wire: Buffer, offsets: readonly number[], ttl: number): void {
  for (const at of offsets) wire.writeUInt32BE(ttl, at);
}

/**
 * A copy of `wire` without its OPT record, or null when the OPT is not the last
 * record (cutting it out of the middle would break the compression pointers after it).
 */
export function withoutOpt(wire: Buffer, scan: RecordScan): Buffer | null {
  if (scan.opt < 0) return Buffer.from(wire);
  if (scan.optEnd !== wire.length) return null;
  const out = Buffer.from(wire.subarray(0, scan.opt));
  out.writeUInt16BE(wire.readUInt16BE(10) - 1, 10);
  return out;
}
