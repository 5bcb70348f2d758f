// The hosts file on disk, re-read when it changes (CoreDNS checks every 5 s by
// modification time and size; kdns also notices a replaced file, as a ConfigMap
// volume swaps one in). A file that cannot be read keeps the entries last read.

import { readFile, stat } from 'node:fs/promises';
import type { Logger } from '../../log.js';
import { HostsMap, lookup, parseHosts } from './hostsfile.js';

export interface SourceConfig {
  readonly path: string;
  readonly zones: readonly string[];
  readonly reverse: boolean;
  /** The inline entries, one hosts line each. */
  readonly inline: readonly string[];
  /** How often the file is checked (ms); 0 never. */
  readonly reload: number;
}

export class HostsSource {
  private file = new HostsMap();
  private readonly inline: HostsMap;
  private timer: NodeJS.Timeout | undefined;
  /** dev/inode/size/mtime of the file last read; '' before the first read. */
  private seen = '';
  private lastError: string | undefined;
  private reading: Promise<void> | undefined;
  /** After the first read, a change is announced. */
  private started = false;
  /** For the prometheus plugin (coredns_hosts_entries, coredns_hosts_reload_timestamp_seconds). */
  entries = 0;
  reloadTimestamp = 0;

  constructor(private readonly cfg: SourceConfig, private readonly log: Logger, private readonly changed: () => void) {
    this.inline = parseHosts(cfg.inline.join('\n'), cfg.zones, cfg.reverse);
    this.entries = this.inline.size;
  }

  async start(): Promise<void> {
    await this.read();
    this.started = true;
    if (this.cfg.reload > 0) this.timer = setInterval(() => void this.check(), this.cfg.reload).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.reading;
  }

  addresses4(name: string): string[] {
    return lookup(name, this.file.v4, this.inline.v4);
  }

  addresses6(name: string): string[] {
    return lookup(name, this.file.v6, this.inline.v6);
  }

  names(addr: string): string[] {
    return lookup(addr, this.file.byAddr, this.inline.byAddr);
  }

  /** Re-reads the file if it changed; one read at a time. */
  check(): Promise<void> {
    this.reading ??= this.read().finally(() => { this.reading = undefined; });
    return this.reading;
  }

  private async read(): Promise<void> {
    const { path } = this.cfg;
    try {
      const st = await stat(path);
      const sig = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
      if (sig === this.seen) return;
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      const text = await readFile(path, 'utf8');
      this.seen = sig;
      this.file = parseHosts(text, this.cfg.zones, this.cfg.reverse);
      this.entries = this.file.size + this.inline.size;
      this.reloadTimestamp = Date.now() / 1000;
      this.lastError = undefined;
      this.log.debug({ file: path, entries: this.entries }, 'hosts file read');
      if (this.started) this.changed();
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      if (reason !== this.lastError) this.log.warn({ file: path }, `hosts file ${path}: ${reason}; serving the entries last read`);
      this.lastError = reason;
    }
  }
}
