// The two requests kdns makes to the API server, both plain GETs (CoreDNS's RBAC
// allows list and watch, nothing else): a list, read whole, and a watch, read as a
// stream of JSON lines. Requests go through node:http(s) with the options the
// KubeConfig applies (auth header, TLS, agent): client-node's own Watch hides
// whether a stream ended cleanly or was cut, and has no stall detection.

import { request as httpRequest, STATUS_CODES, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { VERSION } from '../version.js';
import type { Connection } from './connection.js';
import { ApiError } from './errors.js';

export type Query = Readonly<Record<string, string | undefined>>;

/** One line of a watch stream. */
export interface WatchEvent {
  /** ADDED, MODIFIED, DELETED, BOOKMARK or ERROR. */
  readonly type: string;
  readonly object: Record<string, unknown>;
}

export interface WatchHandlers {
  /** The server accepted the watch (200). */
  opened(): void;
  /** The events of one chunk, in order. Throwing ends the watch with that error. */
  events(events: readonly WatchEvent[]): void;
}

/** The `code` label of client-go's rest_client_requests_total: the HTTP status, or "<error>" when none came. */
export type ResultCounter = (code: string) => void;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export class ApiClient {
  constructor(
    private readonly conn: Connection,
    /** A request that receives nothing for this long is dropped (the watchdog). */
    private readonly idleTimeoutMs: number,
    private readonly count: ResultCounter = () => {},
  ) {}

  /** GET a collection; resolves with the decoded list (`items`, `metadata`). */
  async list(path: string, query: Query, signal: AbortSignal): Promise<Record<string, unknown>> {
    const { req, res } = await this.open(path, query, signal);
    let body = '';
    await consume(req, res, (chunk) => { body += chunk; });
    const list: unknown = parseJson(body, path);
    if (!isObject(list) || !Array.isArray(list.items)) throw new ApiError(res.statusCode, 'BadList', `GET ${path}: the answer is not a list`);
    return list;
  }

  /** Watches a collection; resolves when the server ends the stream (timeoutSeconds), rejects on any failure. */
  async watch(path: string, query: Query, signal: AbortSignal, handlers: WatchHandlers): Promise<void> {
    const { req, res } = await this.open(path, { ...query, watch: 'true' }, signal);
    handlers.opened();
    let pending = '';
    await consume(req, res, (chunk) => {
      pending += chunk;
      const end = pending.lastIndexOf('\n');
      if (end < 0) return;
      const lines = pending.slice(0, end).split('\n');
      pending = pending.slice(end + 1);
      const events: WatchEvent[] = [];
      for (const line of lines) {
        if (line.trim() === '') continue;
        const e: unknown = parseJson(line, path);
        if (!isObject(e) || typeof e.type !== 'string' || !isObject(e.object)) {
          throw new ApiError(200, 'BadEvent', `watch ${path}: a line is not a watch event`);
        }
        events.push({ type: e.type, object: e.object });
      }
      if (events.length > 0) handlers.events(events);
    });
  }

  /** Sends the GET; resolves once a 2xx status arrives, rejects with ApiError otherwise. */
  private async open(path: string, query: Query, signal: AbortSignal): Promise<{ req: ClientRequest; res: IncomingMessage }> {
    let opts;
    try {
      opts = await this.conn.requestOptions();
    } catch (err) {
      // A token or CA file that cannot be read: the same retry as an unreachable server.
      this.count('<error>');
      throw new ApiError(undefined, 'Credentials', `${this.conn.description}: ${(err as Error).message}`, { cause: err });
    }
    const url = new URL(this.conn.server + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, {
        ...opts, method: 'GET', signal,
        headers: { ...opts.headers, Accept: 'application/json', 'User-Agent': `kdns/${VERSION}` },
      });
      // Socket inactivity: no byte of headers, events or bookmarks for that long.
      req.setTimeout(this.idleTimeoutMs, () => {
        req.destroy(new ApiError(undefined, 'Stalled', `GET ${path}: nothing received for ${this.idleTimeoutMs} ms`));
      });
      let responded = false;
      req.on('error', (err) => {
        // Errors after the response are the body's: consume() reports those.
        if (responded) return;
        this.count('<error>');
        reject(unreachable(err, path));
      });
      req.once('response', (res) => {
        responded = true;
        const status = res.statusCode ?? 0;
        this.count(String(status));
        if (status >= 200 && status < 300) { resolve({ req, res }); return; }
        let body = '';
        consume(req, res, (chunk) => { if (body.length < 4096) body += chunk; })
          .then(() => reject(statusError(status, body, path)), (err: unknown) => reject(err));
      });
      req.end();
    });
  }
}

/**
 * Feeds the body to `onData` as text; resolves when it arrived whole, rejects when
 * the connection broke, stalled or was aborted first, or `onData` threw.
 */
function consume(req: ClientRequest, res: IncomingMessage, onData: (chunk: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: unknown;
    const fail = (err: unknown): void => { failure ??= err; };
    req.on('error', fail);
    res.on('error', fail);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (failure !== undefined) return;
      try {
        onData(chunk);
      } catch (err) {
        fail(err);
        req.destroy();
      }
    });
    res.once('close', () => {
      if (failure !== undefined) reject(unreachable(failure, req.path));
      else if (!res.complete) reject(new ApiError(res.statusCode, 'Truncated', `GET ${req.path}: the connection closed inside the answer`));
      else resolve();
    });
  });
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(undefined, 'BadJson', `GET ${path}: the answer is not JSON`, { cause: err });
  }
}

/** An ApiError as is; anything else (refused, reset, TLS, aborted) as an ApiError without status. */
function unreachable(err: unknown, path: string): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as NodeJS.ErrnoException;
  return new ApiError(undefined, e.code ?? e.name ?? 'Error', `GET ${path.split('?')[0]}: ${e.message}`, { cause: err });
}

/** The Status object the API server sends with an error status, as an ApiError. */
function statusError(status: number, body: string, path: string): ApiError {
  let reason = STATUS_CODES[status] ?? 'Error';
  let message = '';
  try {
    const s: unknown = JSON.parse(body);
    if (isObject(s)) {
      if (typeof s.reason === 'string' && s.reason) reason = s.reason;
      if (typeof s.message === 'string') message = s.message;
    }
  } catch {
    message = body.slice(0, 200);
  }
  return new ApiError(status, reason, `GET ${path}: ${status} ${reason}${message ? `: ${message}` : ''}`);
}
