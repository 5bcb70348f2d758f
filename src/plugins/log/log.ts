// Query logging: one line per query, written once `next` has answered.

import { Response, type Request } from '../../dns/message.js';
import { isSubdomain } from '../../dns/names.js';
import { classify, typify, type ResponseClass } from '../../dns/typify.js';
import { rcodeOf } from '../../errors.js';
import { mapAnswer } from '../../server/chain.js';
import type { Answer, Ctx, Handler, Next } from '../plugin.js';
import { compileFormat, Entry, type Format } from './format.js';

/** One `log` line of a Corefile. */
export interface Rule {
  /** Lower-case FQDNs: queries at or below one of them are logged. */
  readonly names: readonly string[];
  /** The format as written ({common} and {combined} included). */
  readonly format: string;
  /** The classes to log; null for all of them. */
  readonly classes: ReadonlySet<ResponseClass> | null;
  /** Log a query of another class anyway when it took longer than this (ms); 0 for never. */
  readonly minDuration: number;
}

/**
 * Requests a `log` line already took. With several `log` lines in one block only
 * the first whose NAMES match logs a query, as CoreDNS's list of rules does.
 */
const claimed = new WeakSet<Request>();

export class Log implements Handler {
  readonly name = 'log';
  private readonly render: Format;
  private readonly minDurationNs: bigint;

  constructor(readonly rule: Rule, private readonly write: (line: string) => void) {
    this.render = compileFormat(rule.format);
    this.minDurationNs = BigInt(Math.round(rule.minDuration * 1e6));
  }

  serve(ctx: Ctx, req: Request, next: Next): Answer {
    if (claimed.has(req) || !this.rule.names.some((n) => isSubdomain(req.lname, n))) return next(ctx, req);
    claimed.add(req);
    const start = process.hrtime.bigint();
    const answered = (resp: Response): Response => {
      this.record(new Entry(req, resp, resp.rcode, process.hrtime.bigint() - start));
      return resp;
    };
    // Not answered: logged with the rcode the server is about to send.
    const failed = (err: unknown): never => {
      this.record(new Entry(req, null, rcodeOf(err), process.hrtime.bigint() - start));
      throw err;
    };
    return mapAnswer(() => next(ctx, req), answered, failed);
  }

  /** Builds the line only for a query this rule wants. */
  private record(e: Entry): void {
    if (this.wants(e)) this.write(this.render(e));
  }

  private wants(e: Entry): boolean {
    const { classes } = this.rule;
    if (!classes) return true;
    if (classes.has(classify(typify(e.resp ?? new Response(e.rcode), e.req.qtype)))) return true;
    return this.minDurationNs > 0n && e.durationNs > this.minDurationNs;
  }
}
