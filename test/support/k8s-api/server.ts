// An emulated Kubernetes API server for tests, speaking the real protocol for the
// resources kdns reads: list (pages with `limit`/`continue`, a resourceVersion),
// watch (chunked JSON lines: ADDED/MODIFIED/DELETED/BOOKMARK/ERROR; 410 Gone for an
// expired version), bearer tokens, and CoreDNS's RBAC (list and watch of namespaces,
// services, pods and endpointslices; anything else 403). Over HTTP or HTTPS with a
// generated certificate. Faults on demand: cut watches mid-line, freeze them without
// closing, hang every request, answer 500s, go down, come back with a new history.

import { randomUUID } from 'node:crypto';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { Socket } from 'node:net';
import { selection, type Selection } from './select.js';
import { EmulatedState, RESOURCES, type Obj, type ResourceName } from './state.js';
import { certificate } from './tls.js';
import { Watcher } from './watcher.js';

export interface EmulatorOptions {
  /** HTTPS with a generated certificate (its PEM, to trust, is `ca`). */
  tls?: boolean;
  /** Accepted bearer tokens; none means no authentication. */
  tokens?: string[];
  /** How often a watch that allows bookmarks gets one (default 1000 ms; 0: never). */
  bookmarkMs?: number;
  /** Ends every watch after this long, whatever its timeoutSeconds. */
  watchLimitMs?: number;
}

/** One request, as answered (status 0: held by hang(), never answered). */
export interface RequestRecord {
  readonly verb: string;
  readonly resource: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
}

interface Snapshot {
  readonly rv: number;
  readonly items: readonly Obj[];
  readonly offset: number;
}

const SERVICE_ACCOUNT = 'system:serviceaccount:kube-system:coredns';
const VERBS: Readonly<Record<string, string>> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** /api/v1/[namespaces/NS/]RESOURCE[/NAME] and /apis/discovery.k8s.io/v1/... */
function route(pathname: string): { group: string; resource: string; namespace?: string; name?: string } | undefined {
  const m = /^\/(api\/v1|apis\/discovery\.k8s\.io\/v1)\/(?:namespaces\/([^/]+)\/)?([a-z]+)(?:\/([^/]+))?$/.exec(pathname);
  if (!m) return undefined;
  return { group: m[1] === 'api/v1' ? '' : 'discovery.k8s.io', namespace: m[2], resource: m[3]!, name: m[4] };
}

function allowed(group: string, resource: string): resource is ResourceName {
  return (group === '' && (resource === 'namespaces' || resource === 'services' || resource === 'pods'))
    || (group === 'discovery.k8s.io' && resource === 'endpointslices');
}

export class ApiEmulator {
  readonly state = new EmulatedState();
  readonly requests: RequestRecord[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<ServerResponse>();
  private readonly snapshots = new Map<string, Snapshot>();
  private tokens: Set<string>;
  private failStatus: number | undefined;
  private hanging = false;
  private expiring = false;
  private port = 0;

  private constructor(private readonly server: Server, readonly ca: string | undefined, private readonly opts: EmulatorOptions) {
    this.tokens = new Set(opts.tokens ?? []);
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.state.onEvent((e) => { for (const w of this.watchers) w.deliver(e); });
  }

  static async start(opts: EmulatorOptions = {}): Promise<ApiEmulator> {
    const cert = opts.tls ? await certificate() : undefined;
    let emulator: ApiEmulator | undefined;
    const handler = (req: IncomingMessage, res: ServerResponse): void => emulator!.handle(req, res);
    const server = cert ? createHttps({ cert: cert.cert, key: cert.key }, handler) : createHttp(handler);
    emulator = new ApiEmulator(server, cert?.cert, opts);
    await emulator.up();
    return emulator;
  }

  get url(): string {
    return `${this.ca ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  get listenPort(): number {
    return this.port;
  }

  /** Watch streams open now (frozen ones included). */
  get openWatches(): number {
    return this.watchers.size;
  }

  /** TCP connections open now. */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** Requests of one verb ("list", "watch", "get"...) so far, optionally of one resource. */
  count(verb: string, resource?: string): number {
    return this.requests.filter((r) => r.verb === verb && (resource === undefined || r.resource === resource)).length;
  }

  /** Only these tokens are accepted from now on (open watches go on, as on a real server). */
  setTokens(...tokens: string[]): void {
    this.tokens = new Set(tokens);
  }

  // ---- faults ----

  /** Cuts every open watch in the middle of an event line; returns how many. */
  dropWatches(): number {
    const n = this.watchers.size;
    for (const w of [...this.watchers]) w.cut();
    return n;
  }

  /** Freezes every open watch: open, silent, never closed (a half-open connection). New requests are served. */
  stallWatches(): number {
    for (const w of this.watchers) w.frozen = true;
    return this.watchers.size;
  }

  /** From now on requests are accepted and never answered; open watches freeze. */
  hang(): void {
    this.hanging = true;
    this.stallWatches();
  }

  /** Ends hang(): requests are answered again; the connections held meanwhile are closed. */
  resume(): void {
    this.hanging = false;
    for (const res of this.held) res.socket?.destroy();
    for (const w of this.watchers) if (w.frozen) w.res.socket?.destroy();
  }

  /** Answers every list and watch with this status until called with undefined. */
  failWith(status: number | undefined): void {
    this.failStatus = status;
  }

  /** While on, every watch with a resourceVersion ends at once with a 410 ERROR event (a server in a loop). */
  expireWatches(on: boolean): void {
    this.expiring = on;
  }

  /** Forgets the change history: a watch from an older version gets 410 Gone. */
  compact(): void {
    this.state.compact();
  }

  /** Stops listening and closes every connection (connections are refused until up()). */
  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  /** Listens again on the same port; `newHistory` restarts the versions as after an etcd restore. */
  async up(opts: { newHistory?: boolean } = {}): Promise<void> {
    if (opts.newHistory) this.state.newHistory();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const a = this.server.address();
        this.port = typeof a === 'object' && a ? a.port : this.port;
        resolve();
      });
    });
  }

  async restart(opts: { newHistory?: boolean } = {}): Promise<void> {
    await this.down();
    await this.up(opts);
  }

  async close(): Promise<void> {
    this.hanging = false;
    await this.down();
  }

  // ---- the protocol ----

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const q = url.searchParams;
    const r = route(url.pathname);
    const watch = q.get('watch') === 'true' || q.get('watch') === '1';
    const verb = VERBS[req.method ?? ''] ?? (r?.name !== undefined ? 'get' : watch ? 'watch' : 'list');
    const record = (status: number): void => {
      this.requests.push({ verb, resource: r?.resource ?? url.pathname, query: Object.fromEntries(q), status });
    };
    const auth = req.headers.authorization ?? '';
    if (this.tokens.size > 0 && !(auth.startsWith('Bearer ') && this.tokens.has(auth.slice(7).trim()))) {
      record(401);
      return sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
    }
    if (!r) { record(404); return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource'); }
    if (!allowed(r.group, r.resource) || (verb !== 'list' && verb !== 'watch')) {
      record(403);
      const what = r.name !== undefined ? `${r.resource} "${r.name}"` : r.resource;
      return sendStatus(res, 403, 'Forbidden', `${what} is forbidden: User "${SERVICE_ACCOUNT}" cannot ${verb} resource `
        + `"${r.resource}" in API group "${r.group}"${r.namespace ? ` in the namespace "${r.namespace}"` : ' at the cluster scope'}`);
    }
    if (this.hanging) {
      record(0);
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    if (this.failStatus !== undefined) {
      record(this.failStatus);
      return sendStatus(res, this.failStatus, 'InternalError', 'an error on the server ("emulated fault") has prevented the request from succeeding');
    }
    let selects: Selection;
    try {
      selects = selection(r.namespace, q.get('labelSelector'), q.get('fieldSelector'));
    } catch (err) {
      record(400);
      return sendStatus(res, 400, 'BadRequest', (err as Error).message);
    }
    if (watch) this.watch(res, r.resource, selects, q, record);
    else this.list(res, r.resource, selects, q, record);
  }

  private list(res: ServerResponse, resource: ResourceName, selects: Selection, q: URLSearchParams, record: (s: number) => void): void {
    const token = q.get('continue');
    let snap: Snapshot | undefined;
    if (token) {
      snap = this.snapshots.get(token);
      this.snapshots.delete(token);
      if (!snap || snap.rv < this.state.oldest) {
        record(410);
        return sendStatus(res, 410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.');
      }
    } else {
      snap = { rv: this.state.rv, items: this.state.list(resource).filter(selects), offset: 0 };
    }
    const limit = Number(q.get('limit')) || Infinity;
    const page = snap.items.slice(snap.offset, snap.offset + limit);
    const remaining = snap.items.length - snap.offset - page.length;
    const metadata: Record<string, unknown> = { resourceVersion: String(snap.rv) };
    if (remaining > 0) {
      const next = randomUUID();
      this.snapshots.set(next, { ...snap, offset: snap.offset + page.length });
      metadata.continue = next;
      metadata.remainingItemCount = remaining;
    }
    const { kind, apiVersion } = RESOURCES[resource];
    // List items come without kind and apiVersion, as from a real API server.
    const items = page.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
    record(200);
    sendJson(res, 200, { kind: `${kind}List`, apiVersion, metadata, items });
  }

  private watch(res: ServerResponse, resource: ResourceName, selects: Selection, q: URLSearchParams, record: (s: number) => void): void {
    record(200);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const w = new Watcher(res, resource, selects);
    const from = q.get('resourceVersion');
    if (!from || from === '0') {
      w.addAll(this.state.list(resource));
    } else {
      const events = this.expiring ? 'gone' : this.state.since(resource, Number(from));
      if (events === 'gone') return w.error(410, 'Expired', `too old resource version: ${from} (${this.state.oldest})`);
      for (const e of events) w.deliver(e);
    }
    this.watchers.add(w);
    const timers: NodeJS.Timeout[] = [];
    const seconds = Number(q.get('timeoutSeconds'));
    const limit = Math.min(seconds > 0 ? seconds * 1000 : Infinity, this.opts.watchLimitMs ?? Infinity);
    if (limit < Infinity) timers.push(setTimeout(() => { if (!w.frozen) res.end(); }, limit));
    const every = this.opts.bookmarkMs ?? 1000;
    if (q.get('allowWatchBookmarks') === 'true' && every > 0) timers.push(setInterval(() => w.bookmark(this.state.rv), every));
    res.on('close', () => {
      this.watchers.delete(w);
      for (const t of timers) clearTimeout(t);
    });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** A metav1.Status, as the API server answers errors. */
function sendStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  sendJson(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}
