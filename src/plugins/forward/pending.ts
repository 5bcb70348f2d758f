// Queries sent on one upstream socket or connection and not answered yet, by the
// ID each was sent with. A reply is taken only when its ID and its question match
// what was sent (RFC 5452 9.1): a stray or spoofed datagram is ignored.

import { randomFillSync } from 'node:crypto';
import { HEADER_SIZE } from '../../dns/constants.js';

/** Called once: with the reply bytes, or with why there will be none. */
export type ReplyCallback = (err: Error | null, reply: Buffer | null) => void;

/** A sent query, which its sender may cancel (the answer came from elsewhere, or too late). */
export interface Ticket {
  cancel(): void;
}

interface Entry {
  /** The query as sent; its question is query[12..qEnd). */
  readonly query: Buffer;
  readonly qEnd: number;
  readonly cb: ReplyCallback;
}

const QR = 0x8000;
const RCODE = 0x000f;
/** IDs in use on one socket at most: a free random ID must stay quick to find. */
export const MAX_PENDING = 30_000;

/** An upstream connection was closed under queries in flight. */
export class ClosedError extends Error {
  /** True when the connection had carried earlier queries: the upstream may have closed it as idle. */
  constructor(readonly reused: boolean) {
    super(reused ? 'upstream closed a reused connection' : 'upstream closed the connection');
  }
}

export class Pending {
  private readonly byId = new Map<number, Entry>();

  get size(): number {
    return this.byId.size;
  }

  /**
   * Copies `query` into a new buffer (at `offset`, room for a TCP length), with a
   * fresh random ID, and registers it. Returns the buffer to send and the ticket.
   * Throws when the socket has MAX_PENDING queries in flight already.
   */
  add(query: Buffer, qEnd: number, cb: ReplyCallback, offset: number): { out: Buffer; ticket: Ticket } {
    if (this.byId.size >= MAX_PENDING) throw new Error('too many queries in flight to this upstream');
    let id: number;
    do id = randomId(); while (this.byId.has(id));
    const out = Buffer.allocUnsafe(query.length + offset);
    query.copy(out, offset);
    out.writeUInt16BE(id, offset);
    const entry: Entry = { query, qEnd, cb };
    this.byId.set(id, entry);
    return { out, ticket: { cancel: () => { if (this.byId.get(id) === entry) this.byId.delete(id); } } };
  }

  /** Hands `reply` to the query it answers; ignores it when nothing matches. */
  settle(reply: Buffer): void {
    if (reply.length < HEADER_SIZE || (reply.readUInt16BE(2) & QR) === 0) return;
    const id = reply.readUInt16BE(0);
    const entry = this.byId.get(id);
    if (entry === undefined || !sameQuestion(reply, entry)) return;
    this.byId.delete(id);
    entry.cb(null, reply);
  }

  /** Every query in flight fails with `err` (a dead connection, an ICMP error). */
  failAll(err: Error): void {
    const entries = [...this.byId.values()];
    this.byId.clear();
    for (const e of entries) e.cb(err, null);
  }
}

/**
 * IDs from the system's CSPRNG (an off-path spoofer must not predict them, RFC
 * 5452), drawn in batches so that a query costs an array read.
 */
const ids = new Uint16Array(4096);
let nextId = ids.length;

function randomId(): number {
  if (nextId === ids.length) {
    randomFillSync(ids);
    nextId = 0;
  }
  return ids[nextId++]!;
}

const A = 0x41, Z = 0x5a;

function lower(b: number): number {
  return b >= A && b <= Z ? b | 0x20 : b;
}

/**
 * The reply's question is the one sent: the name compared without regard to
 * ASCII case (an upstream may change it, e.g. 0x20 randomisation), type and class
 * exactly. A reply without a question is accepted only when it is an error
 * (some servers answer FORMERR or REFUSED with a bare header).
 */
function sameQuestion(reply: Buffer, e: Entry): boolean {
  const qdcount = reply.readUInt16BE(4);
  if (qdcount === 0) return (reply.readUInt16BE(2) & RCODE) !== 0;
  if (qdcount !== 1 || reply.length < e.qEnd) return false;
  const nameEnd = e.qEnd - 4;
  const q = e.query;
  for (let i = HEADER_SIZE; i < nameEnd; i++) {
    if (reply[i] !== q[i] && lower(reply[i]!) !== lower(q[i]!)) return false;
  }
  return reply.readUInt32BE(nameEnd) === q.readUInt32BE(nameEnd);
}
