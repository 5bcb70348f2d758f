// A cache under test: a fake clock, a backend that counts the queries that reach
// it, and queries answered as the server would send them (encoded, then decoded).
// For the end-to-end tests: asking a real server until an answer changes.

import { Type } from '../../../src/dns/constants.js';
import { decodeMessage, type Message } from '../../../src/dns/decode.js';
import { encodeResponse } from '../../../src/dns/encode.js';
import type { Request, Response } from '../../../src/dns/message.js';
import { makeRequest, type QueryOptions } from '../../../src/dns/query.js';
import { Cache } from '../../../src/plugins/cache/cache.js';
import { parse } from '../../../src/plugins/cache/setup.js';
import type { Next } from '../../../src/plugins/plugin.js';
import { testCtx } from '../../support/chain.js';
import { query } from '../../support/dns.js';
import { line } from '../../support/lines.js';

export class Backend {
  calls = 0;
  constructor(public answer: (req: Request) => Response | Promise<Response>) {}
  readonly next: Next = async (_ctx, req) => {
    this.calls++;
    return this.answer(req);
  };
}

export class Harness {
  clock = 1_000_000_000;
  readonly cache: Cache;

  constructor(corefile: string, readonly backend: Backend, zones: readonly string[] = ['.']) {
    this.cache = new Cache(parse(line(corefile), zones), () => this.clock);
  }

  advance(seconds: number): void {
    this.clock += seconds * 1000;
  }

  async respond(qname: string, qtype: number = Type.A, opts: QueryOptions = {}): Promise<{ resp: Response; msg: Message }> {
    const req = makeRequest(qname, qtype, opts);
    const resp = await this.cache.serve(testCtx, req, this.backend.next);
    return { resp, msg: decodeMessage(encodeResponse(resp, req)) };
  }

  async ask(qname: string, qtype: number = Type.A, opts: QueryOptions = {}): Promise<Message> {
    return (await this.respond(qname, qtype, opts)).msg;
  }
}

/** Lets background refreshes (prefetch, serve_stale) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Asks `port` until `done` holds or `ms` pass; resolves with the last answer. */
export async function askUntil(port: number, qname: string, qtype: string, done: (m: Message) => boolean, ms = 15_000): Promise<Message> {
  const deadline = Date.now() + ms;
  for (;;) {
    const msg = await query(port, qname, qtype);
    if (done(msg) || Date.now() > deadline) return msg;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The TTL of the first answer record, else of the first authority record (a denial's SOA). */
export function ttl(m: Message): number {
  return m.answer[0]?.ttl ?? m.authority[0]?.ttl ?? -1;
}
