// Checks the Corefile every INTERVAL (± JITTER/2, drawn once per config as CoreDNS
// does, so that replicas started together do not reload together) through the
// process's Reloader (src/server/reload.ts), which swaps in a changed config.

import type { Counter, Gauge } from '../../metrics/metric.js';
import type { Instance, Reloader } from '../../server/instance.js';

export interface ReloadConfig {
  /** ms */
  readonly interval: number;
  /** ms; already at most half the interval. */
  readonly jitter: number;
}

export class Reload {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly failed: Counter;
  private readonly version: Gauge;

  constructor(private readonly instance: Instance, readonly config: ReloadConfig) {
    this.failed = instance.metrics.counter('coredns_reload_failed_total', 'Counter of the number of failed reload attempts.');
    this.version = instance.metrics.gauge('coredns_reload_version_info', 'A metric with a constant \'1\' value labeled by hash, and value which type of hash generated.',
      ['hash', 'value']);
  }

  /** The period between two checks: the interval plus a jitter in [-JITTER/2, JITTER/2). */
  period(random = Math.random()): number {
    return this.config.interval + (random - 0.5) * this.config.jitter;
  }

  start(): Promise<void> {
    const reloader = this.instance.reloader;
    if (!reloader) {
      this.instance.log.warn({ plugin: 'reload' }, 'the Corefile is not a file: nothing to reload');
      return Promise.resolve();
    }
    this.failed.labels();
    this.version.reset();
    this.version.labels('sha512', reloader.hash).set(1);
    this.schedule(reloader, this.period());
    return Promise.resolve();
  }

  private schedule(reloader: Reloader, period: number): void {
    this.timer = setTimeout(() => {
      void reloader.check().then((outcome) => {
        if (outcome === 'failed') this.failed.labels().inc();
        // A reload stops this instance; the new config's reload carries on.
        if (!this.stopped) this.schedule(reloader, period);
      });
    }, period);
    // Never the reason the process stays up.
    this.timer.unref();
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    return Promise.resolve();
  }
}
