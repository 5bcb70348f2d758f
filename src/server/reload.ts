// Re-reading the Corefile, for the `reload` plugin's checks and for SIGUSR1.
// Changes are found by the SHA-512 of the file's text, as CoreDNS does, so a
// ConfigMap update (kubelet swaps a symlink) is seen as soon as the text differs.
// A text that fails to load is not tried again until it changes (CoreDNS does the
// same), so each failing condition is logged once, not at every check.

import { createHash } from 'node:crypto';
import { readCorefile } from '../corefile/load.js';
import type { Logger } from '../log.js';
import type { Reloader, ReloadOutcome } from './instance.js';

export function corefileHash(text: string): string {
  return createHash('sha512').update(text).digest('hex');
}

const READ_FAILURE = 'read: ';

export class FileReloader implements Reloader {
  hash: string;
  /** The hash (or read error) that failed last; not retried, not logged again. */
  private failed: string | undefined;
  private busy: Promise<ReloadOutcome> | undefined;

  /** `apply` parses a new text and swaps it in (KdnsServer.reload); it throws to keep the running config. */
  constructor(readonly path: string, text: string, private readonly apply: (text: string) => Promise<void>,
    private readonly log: Logger) {
    this.hash = corefileHash(text);
  }

  /** One check at a time: a check asked for while one runs shares its outcome. */
  check(force = false): Promise<ReloadOutcome> {
    this.busy ??= this.run(force).finally(() => { this.busy = undefined; });
    return this.busy;
  }

  private async run(force: boolean): Promise<ReloadOutcome> {
    if (force) this.failed = undefined;
    let text: string;
    try {
      text = readCorefile(this.path);
    } catch (err) {
      // A Corefile that vanished (a ConfigMap mid-update, a deleted file) leaves the running config as it is.
      return this.fail(`${READ_FAILURE}${(err as Error).message}`, `${(err as Error).message}; keeping the running config`, err);
    }
    // Readable again: a later read failure is a new condition, to be logged again.
    if (this.failed?.startsWith(READ_FAILURE)) this.failed = undefined;
    const hash = corefileHash(text);
    if (!force && (hash === this.hash || hash === this.failed)) return 'unchanged';
    this.log.info({ sha512: hash }, `Reloading ${this.path}`);
    const running = this.hash;
    // The plugins being set up see the hash of their own config (coredns_reload_version_info).
    this.hash = hash;
    try {
      await this.apply(text);
    } catch (err) {
      this.hash = running;
      return this.fail(hash, `Corefile changed but reload failed, keeping the running config: ${(err as Error).message}`, err);
    }
    this.failed = undefined;
    this.log.info({ sha512: hash }, 'Reloading complete');
    return 'reloaded';
  }

  private fail(condition: string, msg: string, err: unknown): ReloadOutcome {
    if (condition === this.failed) return 'unchanged';
    this.failed = condition;
    this.log.error({ err }, msg);
    return 'failed';
  }
}
