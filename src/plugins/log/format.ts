// The query log line: CoreDNS's replacer placeholders, a format compiled once
// into literal parts and value functions.

import { className, Rcode, rcodeName, typeName } from '../../dns/constants.js';
import { encodeEmpty, encodeResponse } from '../../dns/encode.js';
import { unmapIPv4 } from '../../dns/ip.js';
import type { Request, Response } from '../../dns/message.js';

export const COMMON_FORMAT =
  '{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}';
export const COMBINED_FORMAT = `${COMMON_FORMAT} "{>opcode}"`;

/** What CoreDNS prints for a value it does not have (a metadata label; kdns has no metadata plugin). */
const EMPTY = '-';

/** One query as the log line sees it, once `next` answered (resp) or failed (resp null). */
export class Entry {
  private wireMemo: Buffer | undefined;

  constructor(readonly req: Request, readonly resp: Response | null, readonly rcode: number,
    readonly durationNs: bigint) {}

  /** The reply the server sends, so that rsize and rflags describe it; encodeResponse memoises it for the server. */
  get wire(): Buffer {
    if (this.wireMemo === undefined) {
      try {
        this.wireMemo = this.resp ? encodeResponse(this.resp, this.req) : encodeEmpty(this.req, this.rcode);
      } catch {
        // The server answers SERVFAIL to what it cannot encode.
        this.wireMemo = encodeEmpty(this.req, Rcode.SERVFAIL);
      }
    }
    return this.wireMemo;
  }
}

const FLAGS: [number, string][] = [
  [0x8000, 'qr'], [0x0400, 'aa'], [0x0200, 'tc'], [0x0100, 'rd'], [0x0080, 'ra'], [0x0040, 'z'], [0x0020, 'ad'], [0x0010, 'cd'],
];

function flagsText(wire: Buffer): string {
  const bits = wire.readUInt16BE(2);
  return FLAGS.filter(([bit]) => bits & bit).map(([, name]) => name).join(',');
}

/** Seconds with as many decimals as needed and no exponent, as Go's FormatFloat(secs, 'f', -1): "0.000134s". */
export function secondsText(ns: bigint): string {
  const whole = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}s` : `${whole}s`;
}

/** RFC 3986 host form: an IPv6 address goes in brackets. */
function hostText(ip: string): string {
  return ip.includes(':') ? `[${ip}]` : ip;
}

const LABELS = new Map<string, (e: Entry) => string>(Object.entries({
  '{type}': (e) => typeName(e.req.qtype),
  '{name}': (e) => e.req.lname,
  '{class}': (e) => className(e.req.qclass),
  '{proto}': (e) => e.req.transport.proto,
  '{size}': (e) => String(e.req.raw.length),
  '{remote}': (e) => hostText(unmapIPv4(e.req.transport.remoteAddress)),
  '{port}': (e) => String(e.req.transport.remotePort),
  '{>id}': (e) => String(e.req.id),
  '{>opcode}': (e) => String(e.req.opcode),
  '{>do}': (e) => String(e.req.edns?.dnssecOk ?? false),
  // CoreDNS's request.Size(): 65535 over TCP, else the EDNS size, at least 512.
  '{>bufsize}': (e) => String(e.req.transport.proto === 'tcp' ? 65535 : Math.max(e.req.edns?.udpSize ?? 0, 512)),
  '{rcode}': (e) => { const n = rcodeName(e.rcode); return n.startsWith('RCODE') ? String(e.rcode) : n; },
  '{rsize}': (e) => String(e.wire.length),
  '{duration}': (e) => secondsText(e.durationNs),
  '{>rflags}': (e) => flagsText(e.wire),
} satisfies Record<string, (e: Entry) => string>));

export type Format = (e: Entry) => string;

/**
 * Compiles a format as CoreDNS's replacer parses it: a `}` closes the nearest `{`
 * before it; a known label becomes its value, `{/LABEL}` (metadata) becomes "-",
 * anything else stays as written. `{common}` and `{combined}` stand for those formats.
 */
export function compileFormat(format: string): Format {
  let s = format.replaceAll('{common}', COMMON_FORMAT).replaceAll('{combined}', COMBINED_FORMAT);
  const parts: (string | ((e: Entry) => string))[] = [];
  let literal = '';
  for (let j = s.indexOf('}'); j >= 0; j = s.indexOf('}')) {
    const i = s.lastIndexOf('{', j);
    const label = i >= 0 ? s.slice(i, j + 1) : '';
    const fn = LABELS.get(label);
    if (fn) {
      parts.push(literal + s.slice(0, i), fn);
      literal = '';
    } else if (label.startsWith('{/')) {
      literal += s.slice(0, i) + EMPTY;
    } else {
      literal += s.slice(0, j + 1);
    }
    s = s.slice(j + 1);
  }
  parts.push(literal + s);
  return (e) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(e);
    return out;
  };
}
