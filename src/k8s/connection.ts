// Where the API server is and how to authenticate to it, from
// @kubernetes/client-node's KubeConfig: in-cluster (the pod's service account),
// a kubeconfig file and context, or an `endpoint URL` (with `tls` files).

import type { KubeConfig } from '@kubernetes/client-node';
import type { RequestOptions } from 'node:https';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { serviceAccountDir } from './env.js';
import { K8sConfigError } from './errors.js';

export type ApiTarget =
  | { readonly kind: 'in-cluster' }
  | { readonly kind: 'kubeconfig'; readonly file: string; readonly context: string | undefined }
  | {
    readonly kind: 'endpoint';
    readonly url: string;
    readonly tls: { readonly cert: string; readonly key: string; readonly ca: string } | undefined;
  };

type KubeConfigClass = typeof import('@kubernetes/client-node').KubeConfig;

/**
 * The library is imported on first use: it holds about 30 MB of heap (its generated
 * API models), which a server fed from a fixture file should not carry.
 */
async function kubeConfigClass(): Promise<KubeConfigClass> {
  return (await import('@kubernetes/client-node')).KubeConfig;
}

export class Connection {
  private constructor(
    private readonly target: ApiTarget,
    private readonly env: NodeJS.ProcessEnv,
    private readonly Kc: KubeConfigClass,
    private kc: KubeConfig,
  ) {}

  /** Loads the configuration; throws K8sConfigError when it is missing or unusable. */
  static async open(target: ApiTarget, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
    const Kc = await kubeConfigClass();
    return new Connection(target, env, Kc, load(Kc, target, env));
  }

  /** The API server's base URL, e.g. `https://10.96.0.1:443`. */
  get server(): string {
    return this.kc.getCurrentCluster()!.server;
  }

  /** "in-cluster", "kubeconfig FILE", "endpoint URL": for logs. */
  get description(): string {
    const t = this.target;
    return t.kind === 'in-cluster' ? 'in-cluster' : t.kind === 'kubeconfig' ? `kubeconfig ${t.file}` : `endpoint ${t.url}`;
  }

  /**
   * Options for one request: the Authorization header (a token file is read again
   * when the copy in memory is a minute old, as client-go does, so a rotated
   * service account token is picked up), TLS files read now, and an agent.
   */
  async requestOptions(): Promise<RequestOptions> {
    const opts: RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    return opts;
  }

  /**
   * Loads the configuration afresh, reading every file again: after a 401 the token
   * may have rotated within the minute the old copy is kept. An unusable new
   * configuration keeps the current one and throws.
   */
  reload(): void {
    this.kc = load(this.Kc, this.target, this.env);
  }
}

function load(Kc: KubeConfigClass, target: ApiTarget, env: NodeJS.ProcessEnv): KubeConfig {
  const kc = new Kc();
  switch (target.kind) {
    case 'in-cluster': {
      const host = env.KUBERNETES_SERVICE_HOST;
      const port = env.KUBERNETES_SERVICE_PORT;
      if (!host || !port) {
        throw new K8sConfigError('in-cluster config needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (not in a pod?)');
      }
      // As client-go's InClusterConfig: always https. The files come from a directory
      // that KDNS_SERVICEACCOUNT_DIR may move; the token through client-node's
      // `tokenFile` provider, which re-reads it every minute.
      const dir = serviceAccountDir(env);
      kc.loadFromClusterAndUser(
        { name: 'in-cluster', server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`, caFile: join(dir, 'ca.crt'), skipTLSVerify: false },
        { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: join(dir, 'token') } } },
      );
      return kc;
    }
    case 'kubeconfig': {
      try {
        kc.loadFromFile(target.file);
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
        throw new K8sConfigError(`kubeconfig ${target.file}: ${reason}`, { cause: err });
      }
      if (target.context !== undefined) {
        if (!kc.getContextObject(target.context)) throw new K8sConfigError(`kubeconfig ${target.file}: no context '${target.context}'`);
        kc.setCurrentContext(target.context);
      }
      if (!kc.getCurrentCluster()) throw new K8sConfigError(`kubeconfig ${target.file}: the current context names no cluster`);
      // client-node refuses plain http unless TLS checks are off; on http there are none to make.
      kc.clusters = kc.clusters.map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c));
      return kc;
    }
    case 'endpoint': {
      const { url, tls } = target;
      kc.loadFromClusterAndUser(
        { name: 'endpoint', server: url.replace(/\/+$/, ''), skipTLSVerify: url.startsWith('http:'), caFile: tls?.ca },
        { name: 'endpoint', certFile: tls?.cert, keyFile: tls?.key },
      );
      return kc;
    }
  }
}
