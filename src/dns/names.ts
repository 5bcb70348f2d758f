// Domain names in presentation form: FQDN with a trailing dot ("." is the root),
// a label byte that is not printable ASCII written \DDD, and "." or "\" inside a
// label escaped with a backslash, as in master files (RFC 1035 5.1).

import { WireError } from '../errors.js';

export const MAX_NAME_WIRE = 255; // RFC 1035 2.3.4, counting every length byte and the root
export const MAX_LABEL = 63;
const MAX_POINTER_HOPS = 64;

/** A position in a packet being read. */
export class Reader {
  constructor(readonly buf: Buffer, public pos = 0) {}
  u8(): number {
    if (this.pos + 1 > this.buf.length) throw new WireError('short packet');
    return this.buf[this.pos++]!;
  }
  u16(): number {
    if (this.pos + 2 > this.buf.length) throw new WireError('short packet');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    if (this.pos + 4 > this.buf.length) throw new WireError('short packet');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new WireError('short packet');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

function appendLabel(buf: Buffer, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === 0x2e || c === 0x5c) out += '\\' + String.fromCharCode(c);
    else if (c < 0x21 || c > 0x7e) out += '\\' + String(c).padStart(3, '0');
    else out += String.fromCharCode(c);
  }
  return out;
}

/** Bytes that stand for themselves in presentation form (printable ASCII but "." and "\\"). */
const PLAIN = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) PLAIN[c] = c === 0x2e || c === 0x5c ? 0 : 1;
const plainScratch = Buffer.allocUnsafe(MAX_NAME_WIRE);

/** Reads a possibly compressed name; rejects pointer loops, forward pointers and over-long names. */
export function readName(r: Reader): string {
  return readPlainName(r) ?? readAnyName(r);
}

/**
 * The common case at the cost of one string: an uncompressed name whose bytes
 * need no escaping, copied with dots for length bytes and decoded at once.
 * Anything else (a pointer, a byte to escape, a name too long or cut short)
 * is left to readAnyName, which reads it or says what is wrong.
 */
function readPlainName(r: Reader): string | undefined {
  const buf = r.buf;
  let pos = r.pos;
  let n = 0;
  for (;;) {
    if (pos >= buf.length) return undefined;
    const len = buf[pos]!;
    if (len === 0) break;
    const end = pos + 1 + len;
    // A pointer or a reserved label type reads as more than 63; the root byte needs room too.
    if (len > MAX_LABEL || end > buf.length || n + len + 2 > MAX_NAME_WIRE) return undefined;
    for (let i = pos + 1; i < end; i++) {
      const c = buf[i]!;
      if (PLAIN[c] === 0) return undefined;
      plainScratch[n++] = c;
    }
    plainScratch[n++] = 0x2e;
    pos = end;
  }
  r.pos = pos + 1;
  return n === 0 ? '.' : plainScratch.toString('latin1', 0, n);
}

function readAnyName(r: Reader): string {
  const buf = r.buf;
  let pos = r.pos;
  let name = '';
  let wireLen = 1;
  let hops = 0;
  let resume = -1;
  for (;;) {
    if (pos >= buf.length) throw new WireError('name runs past the end of the packet');
    const len = buf[pos]!;
    if (len === 0) { pos++; break; }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) throw new WireError('truncated compression pointer');
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      // A pointer must go back to something already read, which rules out loops.
      if (target >= pos || ++hops > MAX_POINTER_HOPS) throw new WireError('bad compression pointer');
      if (resume < 0) resume = pos + 2;
      pos = target;
      continue;
    }
    if (kind !== 0) throw new WireError('unsupported label type');
    wireLen += len + 1;
    if (wireLen > MAX_NAME_WIRE) throw new WireError('name longer than 255 bytes');
    if (pos + 1 + len > buf.length) throw new WireError('label runs past the end of the packet');
    name += appendLabel(buf, pos + 1, pos + 1 + len) + '.';
    pos += 1 + len;
  }
  r.pos = resume >= 0 ? resume : pos;
  return name === '' ? '.' : name;
}

/** Skips a name without building it (used for sections kdns does not need). */
export function skipName(r: Reader): void {
  const buf = r.buf;
  let pos = r.pos;
  for (;;) {
    if (pos >= buf.length) throw new WireError('name runs past the end of the packet');
    const len = buf[pos]!;
    if (len === 0) { r.pos = pos + 1; return; }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new WireError('truncated compression pointer');
      r.pos = pos + 2;
      return;
    }
    if ((len & 0xc0) !== 0) throw new WireError('unsupported label type');
    pos += 1 + len;
  }
}

/** Splits a presentation name into the wire bytes of each label (no root label). */
export function labelBytes(name: string): Buffer[] {
  if (name === '.' || name === '') return [];
  const labels: Buffer[] = [];
  let cur: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c) {
      const d = name.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(d)) { cur.push(Number(d) & 0xff); i += 3; }
      else if (i + 1 < name.length) { cur.push(name.charCodeAt(i + 1) & 0xff); i += 1; }
      else throw new WireError(`bad escape in name ${JSON.stringify(name)}`);
    } else if (c === 0x2e) {
      if (cur.length === 0) throw new WireError(`empty label in name ${JSON.stringify(name)}`);
      labels.push(Buffer.from(cur));
      cur = [];
    } else cur.push(c & 0xff);
  }
  if (cur.length) labels.push(Buffer.from(cur));
  let wire = 1;
  for (const l of labels) {
    if (l.length > MAX_LABEL) throw new WireError(`label longer than 63 bytes in ${JSON.stringify(name)}`);
    wire += l.length + 1;
  }
  if (wire > MAX_NAME_WIRE) throw new WireError(`name longer than 255 bytes: ${JSON.stringify(name)}`);
  return labels;
}

/** The suffixes of a name at each label boundary: "a.b.c." -> ["a.b.c.", "b.c.", "c."]. */
export function suffixes(name: string): string[] {
  const out: string[] = [];
  if (name === '.') return out;
  let start = 0;
  out.push(name);
  for (let i = 0; i < name.length - 1; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c) { i += /^\d{3}/.test(name.slice(i + 1, i + 4)) ? 3 : 1; continue; }
    if (c === 0x2e) { start = i + 1; out.push(name.slice(start)); }
  }
  return out;
}

/** ASCII-only lower case: DNS names compare case-insensitively for A-Z only (RFC 4343). */
export function lowerName(name: string): string {
  return name.toLowerCase();
}

/** Makes a user-written name a lower-case FQDN: "Example.org" -> "example.org.". */
export function fqdn(name: string): string {
  const n = name.toLowerCase();
  if (n === '' || n === '.') return '.';
  return n.endsWith('.') && !n.endsWith('\\.') ? n : n + '.';
}

/** True when name equals zone or lies below it (both lower-case FQDNs). */
export function isSubdomain(name: string, zone: string): boolean {
  if (zone === '.') return true;
  if (name.length === zone.length) return name === zone;
  return name.length > zone.length && name.endsWith(zone) && isSeparator(name, name.length - zone.length - 1);
}

/** True when the "." at `i` separates labels: not escaped, i.e. after an even run of backslashes ("a\\.b" is one label). */
function isSeparator(name: string, i: number): boolean {
  if (name.charCodeAt(i) !== 0x2e) return false;
  let slashes = 0;
  while (i - slashes - 1 >= 0 && name.charCodeAt(i - slashes - 1) === 0x5c) slashes++;
  return slashes % 2 === 0;
}

/** Number of labels in a presentation name. */
export function countLabels(name: string): number {
  return name === '.' ? 0 : suffixes(name).length;
}
