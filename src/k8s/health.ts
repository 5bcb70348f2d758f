// Whether the API server is reachable, across every resource watched: the start
// and end of an outage are logged once each, and the counts are plain fields for
// metrics (as client-go's rest_client_requests_total and CoreDNS's logs report them).

import type { Logger } from '../log.js';
import type { ApiError } from './errors.js';

export class ApiHealth {
  /** Requests by result: the HTTP status ("200", "410", "500"), or "<error>" when none came back. */
  readonly requests = new Map<string, number>();
  /** Failed requests (connection refused, error status, stall), all outages together. */
  failures = 0;
  /** Outages so far: periods in which some request failed and no success followed yet. */
  outages = 0;
  /** Watches that broke after they had opened (reset, cut mid-stream, stalled); each was made again. */
  interruptions = 0;
  /** Lists made again because the server no longer had a watch's resourceVersion (410 Gone). */
  relists = 0;
  /** Unix ms when the current outage began; 0 while the API server answers. */
  outageSince = 0;
  /** Resources whose last request failed, with why. */
  private readonly failing = new Map<string, ApiError>();
  private failuresThisOutage = 0;

  constructor(private readonly log: Logger) {}

  get reachable(): boolean {
    return this.failing.size === 0;
  }

  /** Counts one request's result (the client calls it). */
  readonly count = (code: string): void => {
    this.requests.set(code, (this.requests.get(code) ?? 0) + 1);
  };

  /** A request for `resource` succeeded. */
  ok(resource: string): void {
    if (!this.failing.delete(resource) || this.failing.size > 0) return;
    const seconds = ((Date.now() - this.outageSince) / 1000).toFixed(1);
    this.log.info({ seconds, failures: this.failuresThisOutage },
      `kubernetes API reachable again after ${seconds} s (${this.failuresThisOutage} failed requests); state converging`);
    this.outageSince = 0;
  }

  /** A request for `resource` failed: the start of an outage is an error in the log, the rest debug. */
  failed(resource: string, err: ApiError): void {
    this.failures++;
    const first = this.failing.size === 0;
    this.failing.set(resource, err);
    if (!first) {
      this.failuresThisOutage++;
      this.log.debug({ resource, err: err.message }, `kubernetes API: ${resource}: ${err.message}`);
      return;
    }
    this.outages++;
    this.failuresThisOutage = 1;
    this.outageSince = Date.now();
    this.log.error({ resource, status: err.status, reason: err.reason, err: err.message },
      `kubernetes API unreachable (${err.message}); serving the last known state`);
  }

  /** A watch that had opened broke: made again from its last resourceVersion. */
  interrupted(resource: string, err: ApiError): void {
    this.interruptions++;
    this.log.warn({ resource, reason: err.reason, err: err.message }, `kubernetes API: watch of ${resource} broke (${err.message}); resuming`);
  }

  relisted(resource: string, err: ApiError): void {
    this.relists++;
    this.log.info({ resource, err: err.message }, `kubernetes API: ${resource}: ${err.message}; listing again`);
  }
}
