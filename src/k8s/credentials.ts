// The credentials kdns applies itself, without @kubernetes/client-node: a bearer
// token (inline, or from a file that is read again every minute), basic auth, and
// TLS material (CA, client certificate and key) given inline or as files. Files are
// read at each request, so a rotated certificate or token is picked up without a
// restart, as client-go does.

import { readFile } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';

/** What a loaded configuration gives each request. */
export interface Credentials {
  /** The API server's base URL, without a trailing slash. */
  readonly server: string;
  requestOptions(): Promise<RequestOptions>;
}

/** Bytes given inline (a kubeconfig's `*-data`, already decoded) or a file read at request time. */
export type Material = { readonly file: string } | { readonly data: Buffer };

export type Auth =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'token-file'; readonly file: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string };

export interface Settings {
  readonly server: string;
  readonly auth: Auth;
  readonly ca?: Material | undefined;
  readonly cert?: Material | undefined;
  readonly key?: Material | undefined;
  /** insecure-skip-tls-verify: the server's certificate is not checked. */
  readonly insecure?: boolean | undefined;
  /** tls-server-name: the name sent (SNI) and checked instead of the URL's host. */
  readonly serverName?: string | undefined;
  /** A kubeconfig user's `as`: the Impersonate-User header. */
  readonly impersonate?: string | undefined;
}

/** client-go's cachingTokenSource keeps a token read from a file for a minute. */
export const TOKEN_MAX_AGE_MS = 60_000;

/**
 * A bearer token file, read again when the copy in memory is TOKEN_MAX_AGE_MS old:
 * kubelet rotates a projected service account token well before it expires.
 */
export class TokenFile {
  private token = '';
  private readAt = -Infinity;

  constructor(readonly file: string, private readonly now: () => number = Date.now) {}

  async get(): Promise<string> {
    if (this.now() - this.readAt >= TOKEN_MAX_AGE_MS) {
      // Trimmed as client-go does: an editor's final newline would be an invalid header.
      const token = (await readFile(this.file, 'utf8')).trim();
      if (token === '') throw new Error(`token file ${this.file} is empty`);
      this.token = token;
      this.readAt = this.now();
    }
    return this.token;
  }
}

export class DirectCredentials implements Credentials {
  private readonly authorization: () => Promise<string | undefined>;
  private readonly tls: boolean;
  // One agent per configuration; without keepAlive it only pools concurrent requests.
  private readonly agent: HttpAgent;

  constructor(private readonly s: Settings) {
    this.authorization = authorizer(s.auth);
    this.tls = s.server.startsWith('https:');
    this.agent = this.tls ? new HttpsAgent() : new HttpAgent();
  }

  get server(): string {
    return this.s.server;
  }

  async requestOptions(): Promise<RequestOptions> {
    const headers: Record<string, string> = {};
    const authorization = await this.authorization();
    if (authorization !== undefined) headers.Authorization = authorization;
    if (this.s.impersonate) headers['Impersonate-User'] = this.s.impersonate;
    const opts: RequestOptions = { headers, agent: this.agent };
    if (!this.tls) return opts;
    const [ca, cert, key] = await Promise.all([bytes(this.s.ca), bytes(this.s.cert), bytes(this.s.key)]);
    if (ca) opts.ca = ca;
    if (cert) opts.cert = cert;
    if (key) opts.key = key;
    // Left unset otherwise, so NODE_TLS_REJECT_UNAUTHORIZED still applies.
    if (this.s.insecure) opts.rejectUnauthorized = false;
    if (this.s.serverName) opts.servername = this.s.serverName;
    return opts;
  }
}

/** The Authorization header's value for each request, undefined for none. */
function authorizer(a: Auth): () => Promise<string | undefined> {
  switch (a.kind) {
    case 'none': return async () => undefined;
    case 'token': return async () => `Bearer ${a.token}`;
    case 'token-file': {
      const file = new TokenFile(a.file);
      return async () => `Bearer ${await file.get()}`;
    }
    case 'basic': {
      const header = `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
      return async () => header;
    }
  }
}

async function bytes(m: Material | undefined): Promise<Buffer | undefined> {
  if (m === undefined) return undefined;
  return 'data' in m ? m.data : readFile(m.file);
}
