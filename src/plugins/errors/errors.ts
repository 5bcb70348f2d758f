// Error logging: every query that `next` fails is logged, then re-thrown unchanged
// (the server still answers with its rcode). Errors matching a `consolidate`
// pattern are counted and reported once per period instead.

import { typeName } from '../../dns/constants.js';
import type { Request } from '../../dns/message.js';
import { DnsError, KdnsError, rcodeOf } from '../../errors.js';
import { mapAnswer } from '../../server/chain.js';
import type { Answer, Ctx, Handler, Next } from '../plugin.js';

export type Level = 'error' | 'warn' | 'info' | 'debug';

/** Where lines go: pino in production, an array in tests. `err` is given when its stack should be logged. */
export type ErrorLog = (level: Level, msg: string, err?: unknown) => void;

export interface Consolidate {
  readonly period: number; // ms
  /** The REGEXP as written: what the report quotes (RegExp.source would escape '/'). */
  readonly regexp: string;
  readonly pattern: RegExp;
  readonly level: Level;
}

export interface ErrorsConfig {
  readonly consolidate: readonly Consolidate[];
  /** panicRecoveryStacktrace: log the stack of errors that are bugs (not KdnsError). */
  readonly stacktrace: boolean;
}

/** CoreDNS's log prefixes, kept in the message so that grepping CoreDNS-style logs still works. */
const PREFIX: Record<Level, string> = {
  error: '[ERROR] plugin/errors: ', warn: '[WARNING] plugin/errors: ',
  info: '[INFO] plugin/errors: ', debug: '[DEBUG] plugin/errors: ',
};

/** Go's time.Duration.String(), which CoreDNS prints: 5m -> "5m0s", 1.5s -> "1.5s", 300ms -> "300ms". */
export function goDuration(ms: number): string {
  const ns = Math.round(ms * 1e6);
  const decimal = (n: number, unit: number, digits: number): string => {
    const frac = String(n % unit).padStart(digits, '0').replace(/0+$/, '');
    return frac ? `${Math.floor(n / unit)}.${frac}` : `${Math.floor(n / unit)}`;
  };
  if (ns === 0) return '0s';
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${decimal(ns, 1e3, 3)}µs`;
  if (ns < 1e9) return `${decimal(ns, 1e6, 6)}ms`;
  const h = Math.floor(ns / 3.6e12);
  const m = Math.floor((ns % 3.6e12) / 6e10);
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${decimal(ns % 6e10, 1e9, 9)}s`;
}

/** One `consolidate` line: the first match of a period arms a timer that reports the count. */
class Pattern {
  private count = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly c: Consolidate, private readonly out: ErrorLog) {}

  add(): void {
    if (++this.count > 1) return;
    this.timer = setTimeout(() => this.flush(), this.c.period);
    this.timer.unref();
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.count === 0) return;
    const { level, regexp, period } = this.c;
    this.out(level, `${PREFIX[level]}${this.count} errors like '${regexp}' occurred in last ${goDuration(period)}`);
    this.count = 0;
  }
}

export class Errors implements Handler {
  readonly name = 'errors';
  private readonly patterns: Pattern[];
  private stopped = false;

  constructor(private readonly config: ErrorsConfig, private readonly out: ErrorLog) {
    this.patterns = config.consolidate.map((c) => new Pattern(c, out));
  }

  serve(ctx: Ctx, req: Request, next: Next): Answer {
    return mapAnswer(() => next(ctx, req), (resp) => resp, (err) => {
      this.report(req, err);
      throw err;
    });
  }

  private report(req: Request, err: unknown): void {
    // A DnsError without a message is a plain rcode (CoreDNS: an rcode with a nil error): nothing to log.
    if (err instanceof DnsError && err.message === '') return;
    const message = err instanceof Error ? err.message : String(err);
    if (!this.stopped) {
      // The first matching pattern takes the error (CoreDNS README).
      const p = this.patterns.find((q) => q.c.pattern.test(message));
      if (p) { p.add(); return; }
    }
    const bug = this.config.stacktrace && !(err instanceof KdnsError);
    this.out('error', `${PREFIX.error}${rcodeOf(err)} ${req.lname} ${typeName(req.qtype)}: ${message}`, bug ? err : undefined);
  }

  /** Reports what the patterns counted so far; later errors are logged one by one. */
  stop(): void {
    this.stopped = true;
    for (const p of this.patterns) p.flush();
  }
}
