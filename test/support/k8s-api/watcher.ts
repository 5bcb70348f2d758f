// One open watch stream of the emulator: newline-delimited JSON events written as
// chunks, with the API server's selector semantics (an object that starts matching
// is ADDED, one that stops matching is DELETED), bookmarks, and the faults a
// stream can suffer (cut mid-line, frozen without closing).

import type { ServerResponse } from 'node:http';
import type { Selection } from './select.js';
import { RESOURCES, type Obj, type ResourceName, type StoredEvent } from './state.js';

export class Watcher {
  /** A frozen stream stays open but never carries another byte (a half-open connection). */
  frozen = false;

  constructor(readonly res: ServerResponse, readonly resource: ResourceName, private readonly selects: Selection) {}

  send(type: string, object: Record<string, unknown>): void {
    if (this.frozen || this.res.writableEnded || this.res.destroyed) return;
    this.res.write(`${JSON.stringify({ type, object })}\n`);
  }

  /** Sends what a change means to this watch, if anything. */
  deliver(e: StoredEvent): void {
    if (e.resource !== this.resource) return;
    const before = e.previous !== undefined && this.selects(e.previous);
    const now = e.type !== 'DELETED' && this.selects(e.object);
    if (now) this.send(before ? 'MODIFIED' : 'ADDED', e.object);
    else if (before) this.send('DELETED', e.object);
  }

  /** Sends every current object as ADDED (a watch without a resourceVersion). */
  addAll(objects: readonly Obj[]): void {
    for (const o of objects) if (this.selects(o)) this.send('ADDED', o);
  }

  bookmark(rv: number): void {
    const { kind, apiVersion } = RESOURCES[this.resource];
    this.send('BOOKMARK', { kind, apiVersion, metadata: { resourceVersion: String(rv) } });
  }

  /** The stream ends with a Status in an ERROR event, as the API server does for an expired version. */
  error(code: number, reason: string, message: string): void {
    this.send('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
    this.res.end();
  }

  /** Cuts the connection in the middle of an event line. */
  cut(): void {
    if (!this.frozen && !this.res.destroyed) this.res.write('{"type":"MODIFIED","object":{"kind":');
    this.res.socket?.destroy();
  }
}
