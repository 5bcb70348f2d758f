// Where the API server is and how to authenticate to it: in-cluster (the pod's
// service account, as client-go's InClusterConfig), a kubeconfig file and context
// (src/k8s/kubeconfig.ts), or an `endpoint URL` (with `tls` files). kdns applies
// these credentials itself (src/k8s/credentials.ts); @kubernetes/client-node is
// loaded only for a kubeconfig user with a credential plugin (credential-plugins.ts).

import type { RequestOptions } from 'node:https';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { PluginCredentials } from './credential-plugins.js';
import { DirectCredentials, type Credentials } from './credentials.js';
import { serviceAccountDir } from './env.js';
import { K8sConfigError } from './errors.js';
import { readKubeconfig } from './kubeconfig.js';

export type ApiTarget =
  | { readonly kind: 'in-cluster' }
  | { readonly kind: 'kubeconfig'; readonly file: string; readonly context: string | undefined }
  | {
    readonly kind: 'endpoint';
    readonly url: string;
    readonly tls: { readonly cert: string; readonly key: string; readonly ca: string } | undefined;
  };

export class Connection {
  private constructor(
    private readonly target: ApiTarget,
    private readonly env: NodeJS.ProcessEnv,
    private creds: Credentials,
  ) {}

  /** Loads the configuration; throws K8sConfigError when it is missing or unusable. */
  static async open(target: ApiTarget, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
    const creds = load(target, env);
    if (creds instanceof PluginCredentials) {
      // At start, so that a file client-node refuses stops the server as any other bad file.
      try {
        await creds.load();
      } catch (err) {
        throw new K8sConfigError(`${describe(target)}: ${(err as Error).message}`, { cause: err });
      }
    }
    return new Connection(target, env, creds);
  }

  /** The API server's base URL, e.g. `https://10.96.0.1:443`. */
  get server(): string {
    return this.creds.server;
  }

  /** "in-cluster", "kubeconfig FILE", "endpoint URL": for logs. */
  get description(): string {
    return describe(this.target);
  }

  /**
   * Options for one request: the Authorization header (a token file is read again
   * when the copy in memory is a minute old, as client-go does, so a rotated
   * service account token is picked up), TLS files read now, and an agent.
   */
  requestOptions(): Promise<RequestOptions> {
    return this.creds.requestOptions();
  }

  /**
   * Loads the configuration afresh, reading every file again: after a 401 the token
   * may have rotated within the minute the old copy is kept. An unusable new
   * configuration keeps the current one and throws.
   */
  reload(): void {
    this.creds = load(this.target, this.env);
  }
}

function describe(t: ApiTarget): string {
  return t.kind === 'in-cluster' ? 'in-cluster' : t.kind === 'kubeconfig' ? `kubeconfig ${t.file}` : `endpoint ${t.url}`;
}

function load(target: ApiTarget, env: NodeJS.ProcessEnv): Credentials {
  switch (target.kind) {
    case 'in-cluster': {
      const host = env.KUBERNETES_SERVICE_HOST;
      const port = env.KUBERNETES_SERVICE_PORT;
      if (!host || !port) {
        throw new K8sConfigError('in-cluster config needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (not in a pod?)');
      }
      // As client-go's InClusterConfig: always https. The files come from a directory
      // that KDNS_SERVICEACCOUNT_DIR may move.
      const dir = serviceAccountDir(env);
      return new DirectCredentials({
        server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
        ca: { file: join(dir, 'ca.crt') },
        auth: { kind: 'token-file', file: join(dir, 'token') },
      });
    }
    case 'kubeconfig':
      return readKubeconfig(target.file, target.context);
    case 'endpoint': {
      const { tls } = target;
      return new DirectCredentials({
        server: target.url.replace(/\/+$/, ''),
        auth: { kind: 'none' },
        ca: tls && { file: tls.ca },
        cert: tls && { file: tls.cert },
        key: tls && { file: tls.key },
      });
    }
  }
}
