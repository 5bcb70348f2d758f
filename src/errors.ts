// One error base with stable codes (as undici and Fastify do): tests and callers
// match on `code`, never on the message. Every code is listed in the README.

import { Rcode } from './dns/constants.js';

export class KdnsError extends Error {
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A packet or name that does not follow the DNS wire format. */
export class WireError extends KdnsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KDNS_ERR_WIRE', message, options);
  }
}

/**
 * Thrown by a plugin that did not answer: the server replies with `rcode`
 * (SERVFAIL, REFUSED, FORMERR, NOTIMP), as a CoreDNS plugin returning that code.
 */
export class DnsError extends KdnsError {
  constructor(readonly rcode: number, message: string, options?: { cause?: unknown }) {
    super('KDNS_ERR_DNS', message, options);
  }
}

/**
 * Thrown by a plugin that wants no reply sent at all (acl's `drop`): the client
 * sees a timeout, as if the packet was lost. Without a message, as a plain rcode,
 * so `errors` does not log it; SERVFAIL where an answer is needed (ctx.resolve).
 */
export class DropError extends DnsError {
  constructor() {
    super(Rcode.SERVFAIL, '');
  }
}

/** The rcode the server answers a failed chain with: a DnsError's own, anything else SERVFAIL. */
export function rcodeOf(err: unknown): number {
  return err instanceof DnsError ? err.rcode : Rcode.SERVFAIL;
}

/** A Corefile that cannot be read, parsed or set up; the message starts with file:line. */
export class CorefileError extends KdnsError {
  constructor(readonly file: string, readonly line: number, message: string, options?: { cause?: unknown }) {
    super('KDNS_ERR_COREFILE', `${file}:${line} - Error during parsing: ${message}`, options);
  }
}

/** A plugin's directive was parsed but its arguments are wrong. */
export class PluginSetupError extends KdnsError {
  constructor(readonly file: string, readonly line: number, readonly plugin: string, message: string) {
    super('KDNS_ERR_PLUGIN_SETUP', `${file}:${line} - plugin/${plugin}: ${message}`);
  }
}

/** A listener could not be opened (port in use, no permission). */
export class ListenError extends KdnsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KDNS_ERR_LISTEN', message, options);
  }
}
