// FixtureSource: cluster state from a YAML file instead of an API server (SPEC §1
// **(kdns)** `fixture FILE`, §2). Loads it once at start (a bad file is a start
// error), then re-reads it when it changes. A bad file later keeps the state served.

import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '../../log.js';
import { FixtureError, parseFixture, type FixtureOptions, type ParsedFixture } from './fixture-file.js';
import type { ClusterStore } from './store.js';

/** Writes come in bursts (an editor's save, `kubectl > FILE` in chunks): read once they settle. */
const DEBOUNCE_MS = 100;
/** Backstop for changes the directory watch misses (a ConfigMap volume swaps a `..data` symlink). */
const POLL_MS = 1000;
/** How many skip reasons one warning lists. */
const MAX_REASONS = 10;

export class FixtureSource {
  private watcher: FSWatcher | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private stopped = false;
  /** dev/inode/size/mtime of the file last read, for the poll. */
  private seen = '';
  /** The error last logged, so a file that stays broken is reported once. */
  private lastError: string | undefined;
  /** Re-reads that failed (for metrics). */
  errors = 0;

  constructor(
    private readonly path: string,
    private readonly store: ClusterStore,
    private readonly log: Logger,
    private readonly options: FixtureOptions = {},
  ) {}

  /** Loads the file (throws FixtureError, code KDNS_ERR_FIXTURE, if it cannot), marks the store synced, starts watching. */
  async start(): Promise<void> {
    this.seen = await this.signature();
    const parsed = await this.load();
    this.apply(parsed, true);
    this.watch();
  }

  /** True while the file, as last read, cannot be used (the state served is an older one). */
  get failing(): boolean {
    return this.lastError !== undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    clearInterval(this.pollTimer);
    clearTimeout(this.debounceTimer);
    await this.running;
  }

  private async load(): Promise<ParsedFixture> {
    let data: Buffer;
    try {
      data = await readFile(this.path);
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw new FixtureError(this.path, reason, { cause: err });
    }
    return parseFixture(data, this.path, this.options);
  }

  private apply(parsed: ParsedFixture, first: boolean): void {
    const { objects } = parsed;
    this.store.batch(() => {
      this.store.replaceAll('Namespace', objects.Namespace);
      this.store.replaceAll('Service', objects.Service);
      this.store.replaceAll('EndpointSlice', objects.EndpointSlice);
      this.store.replaceAll('Pod', objects.Pod);
      if (first) this.store.markSynced();
    });
    const n = parsed.skipped.length;
    if (n > 0) {
      this.log.warn({ file: this.path, skipped: n, reasons: parsed.skipped.slice(0, MAX_REASONS) },
        `fixture ${this.path}: ${n} object${n === 1 ? '' : 's'} skipped`);
    }
  }

  private watch(): void {
    const name = basename(this.path);
    try {
      // The directory, not the file: editors, `kubectl > FILE` and atomic renames replace the inode.
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) this.schedule();
      });
      this.watcher.on('error', (err) => {
        this.log.error({ file: this.path, err }, `fixture ${this.path}: watching its directory failed, polling only`);
      });
    } catch (err) {
      this.log.error({ file: this.path, err }, `fixture ${this.path}: cannot watch its directory, polling only`);
    }
    this.pollTimer = setInterval(() => void this.poll(), POLL_MS).unref();
  }

  private async poll(): Promise<void> {
    const sig = await this.signature();
    if (sig !== this.seen && !this.stopped) {
      this.seen = sig;
      this.schedule();
    }
  }

  private async signature(): Promise<string> {
    try {
      const st = await stat(this.path);
      return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => this.reload(), DEBOUNCE_MS);
  }

  /** Runs one reload at a time; a change seen during a reload gets one more. */
  private reload(): void {
    if (this.running) { this.rerun = true; return; }
    this.running = (async () => {
      do {
        this.rerun = false;
        await this.reloadOnce();
      } while (this.rerun && !this.stopped);
    })().finally(() => { this.running = undefined; });
  }

  private async reloadOnce(): Promise<void> {
    this.seen = await this.signature();
    try {
      const parsed = await this.load();
      if (this.stopped) return;
      this.apply(parsed, false);
      if (this.lastError !== undefined) this.log.info({ file: this.path }, `fixture ${this.path}: loaded again`);
      this.lastError = undefined;
    } catch (err) {
      const reason = err instanceof FixtureError ? err.reason : String(err);
      this.errors++;
      if (reason === this.lastError) return;
      this.lastError = reason;
      this.log.error({ file: this.path, err }, `fixture ${this.path}: ${reason}; kept last good state`);
    }
  }
}
