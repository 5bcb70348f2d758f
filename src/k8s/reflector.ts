// The list+watch loop for one resource (client-go's Reflector): list, then watch
// from the list's resourceVersion; resume a broken watch from the last version
// seen (events and bookmarks move it); list again on 410 Gone; after any failure
// wait a jittered, growing delay and go on. It never stops until stop() (client-
// node's informer stops for good on a non-410 error). The sink's errors are logged,
// never thrown into the loop.

import type { Logger } from '../log.js';
import { Backoff } from './backoff.js';
import type { ApiClient, WatchEvent } from './client.js';
import type { Connection } from './connection.js';
import type { Timings } from './env.js';
import { ApiError } from './errors.js';
import type { ApiHealth } from './health.js';

export interface Resource {
  /** For logs and health: "services". */
  readonly name: string;
  /** The collection: "/api/v1/services". */
  readonly path: string;
  /** The kind of its objects ("Service"): list items come without one. */
  readonly kind: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export type Change<T> =
  | { readonly type: 'upsert'; readonly item: T }
  | { readonly type: 'delete'; readonly namespace: string; readonly name: string };

/** Where a reflector delivers objects. */
export interface Sink<T> {
  /** The object in the form the sink keeps, or undefined to drop it (it is then removed if held). */
  decode(raw: Record<string, unknown>): T | undefined;
  /** Every object there is (the first list, and each list after a 410). */
  replace(items: T[]): void;
  /** The changes of one chunk of a watch stream, in order. */
  apply(changes: readonly Change<T>[]): void;
}

/** Page size of a list (client-go's pager: 500). */
const PAGE = '500';
/** client-go's minWatchTimeout: each watch asks for a random timeout in [5, 10) minutes, spreading reconnects. */
const MIN_WATCH_SECONDS = 300;

function asObj(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

function metadataOf(o: Record<string, unknown>): { namespace: string; name: string; resourceVersion: string | undefined } {
  const m = asObj(o.metadata);
  const str = (x: unknown): string => (typeof x === 'string' ? x : '');
  return { namespace: str(m.namespace).toLowerCase(), name: str(m.name).toLowerCase(), resourceVersion: str(m.resourceVersion) || undefined };
}

export class Reflector<T> {
  private rv: string | undefined;
  private synced = false;
  private stopped = false;
  /** A watch delivered something (an event, a bookmark) since the last list. */
  private deliveredSinceList = false;
  /** True while the current watch has opened: its failure is an interruption, not an outage. */
  private watching = false;
  /** Delays after failures; starts over at every success. */
  private readonly backoff: Backoff;
  /** Delays before a list after a 410 that followed a list with nothing delivered in between. */
  private readonly relistBackoff: Backoff;
  private current: AbortController | undefined;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly resource: Resource,
    private readonly client: ApiClient,
    private readonly conn: Connection,
    private readonly sink: Sink<T>,
    private readonly health: ApiHealth,
    private readonly log: Logger,
    timings: Timings,
    /** Called once, after the first list has been delivered. */
    private readonly onSynced: () => void = () => {},
  ) {
    this.backoff = new Backoff(timings.backoffBaseMs, timings.backoffMaxMs);
    this.relistBackoff = new Backoff(timings.backoffBaseMs, timings.backoffMaxMs);
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Ends the loop and its open request; resolves once nothing is left running. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.abort();
    this.wake?.();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.rv === undefined) await this.list();
        await this.watch();
      } catch (err) {
        if (this.stopped) return;
        await this.recover(err instanceof ApiError ? err : new ApiError(undefined, 'Error', String(err), { cause: err }));
      }
    }
  }

  /** Lists every page, then hands the whole set to the sink at once: a partial list must never sweep the state. */
  private async list(): Promise<void> {
    const { path, kind, labelSelector, fieldSelector } = this.resource;
    const items: T[] = [];
    let token: string | undefined;
    let rv: string | undefined;
    do {
      const page = await this.client.list(path, { labelSelector, fieldSelector, limit: PAGE, continue: token }, this.signal());
      for (const item of page.items as unknown[]) {
        const raw = asObj(item);
        raw.kind ??= kind;
        const decoded = this.decode(raw);
        if (decoded !== undefined) items.push(decoded);
      }
      const meta = asObj(page.metadata);
      token = typeof meta.continue === 'string' && meta.continue ? meta.continue : undefined;
      rv = typeof meta.resourceVersion === 'string' && meta.resourceVersion ? meta.resourceVersion : undefined;
    } while (token !== undefined);
    if (rv === undefined) throw new ApiError(200, 'BadList', `GET ${path}: the list has no resourceVersion`);
    this.health.ok(this.resource.name);
    this.backoff.reset();
    this.safely(() => this.sink.replace(items));
    this.rv = rv;
    this.deliveredSinceList = false;
    if (!this.synced) {
      this.synced = true;
      this.onSynced();
    }
  }

  /** One watch from this.rv; resolves when the server ends it cleanly (its timeoutSeconds). */
  private async watch(): Promise<void> {
    const { path, labelSelector, fieldSelector } = this.resource;
    const timeoutSeconds = String(MIN_WATCH_SECONDS + Math.floor(Math.random() * MIN_WATCH_SECONDS));
    this.watching = false;
    await this.client.watch(path, {
      resourceVersion: this.rv, allowWatchBookmarks: 'true', timeoutSeconds, labelSelector, fieldSelector,
    }, this.signal(), {
      // The API counts as healthy again only once the watch delivers (an event, a
      // bookmark): a server that opens watches and then sends garbage must back off.
      opened: () => { this.watching = true; },
      events: (events) => this.onEvents(events),
    });
  }

  private onEvents(events: readonly WatchEvent[]): void {
    const changes: Change<T>[] = [];
    let progressed = false;
    try {
      for (const e of events) {
        if (e.type === 'ERROR') {
          const s = e.object;
          const code = typeof s.code === 'number' ? s.code : undefined;
          const reason = typeof s.reason === 'string' && s.reason ? s.reason : 'Error';
          throw new ApiError(code, reason, `watch ${this.resource.path}: ${typeof s.message === 'string' ? s.message : reason}`);
        }
        progressed = true;
        const meta = metadataOf(e.object);
        if (e.type === 'ADDED' || e.type === 'MODIFIED') {
          const item = this.decode(e.object);
          // An object that no longer decodes must not linger in its last good form.
          changes.push(item !== undefined ? { type: 'upsert', item } : { type: 'delete', namespace: meta.namespace, name: meta.name });
        } else if (e.type === 'DELETED') {
          changes.push({ type: 'delete', namespace: meta.namespace, name: meta.name });
        } else if (e.type !== 'BOOKMARK') {
          this.log.debug({ resource: this.resource.name, type: e.type }, 'kubernetes API: unknown watch event type ignored');
        }
        if (meta.resourceVersion !== undefined) this.rv = meta.resourceVersion;
      }
    } finally {
      // The changes before an ERROR event stand: the resourceVersion already moved past them.
      if (changes.length > 0) this.safely(() => this.sink.apply(changes));
      if (progressed) {
        if (!this.deliveredSinceList) {
          this.backoff.reset();
          this.health.ok(this.resource.name);
        }
        this.deliveredSinceList = true;
        this.relistBackoff.reset();
      }
    }
  }

  private async recover(err: ApiError): Promise<void> {
    const name = this.resource.name;
    if (err.gone) {
      this.health.relisted(name, err);
      this.rv = undefined;
      // At once, unless no watch delivered anything since the last list: a server that
      // answers every watch with 410 must not be listed in a loop.
      if (!this.deliveredSinceList) await this.sleep(this.relistBackoff.next());
      return;
    } else if (this.watching && err.reason !== 'BadEvent') {
      this.health.interrupted(name, err);
    } else {
      // A watch that answers garbage is an API fault, not a broken stream: it backs off
      // and is reported once as an outage, never logged per reconnect.
      this.health.failed(name, err);
      if (err.status === 401) this.reloadCredentials();
    }
    this.watching = false;
    await this.sleep(this.backoff.next());
  }

  private reloadCredentials(): void {
    try {
      this.conn.reload();
    } catch (err) {
      this.log.error({ err }, `kubernetes API: cannot reload credentials: ${(err as Error).message}`);
    }
  }

  private decode(raw: Record<string, unknown>): T | undefined {
    try {
      return this.sink.decode(raw);
    } catch (err) {
      this.log.error({ err, resource: this.resource.name }, 'kubernetes API: an object could not be decoded');
      return undefined;
    }
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err, resource: this.resource.name }, 'kubernetes API: applying a change failed');
    }
  }

  /** A fresh AbortController per request, so no listener piles up on a shared signal. */
  private signal(): AbortSignal {
    this.current = new AbortController();
    if (this.stopped) this.current.abort();
    return this.current.signal;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
