// Kubeconfig users whose credentials come from a plugin: `exec` (an ExecCredential
// from a command such as aws, gcloud or kubelogin) and `auth-provider` (OIDC, the
// legacy gcp and azure providers), and clusters reached through a `proxy-url`.
// These stay with @kubernetes/client-node's KubeConfig, which implements them all:
// the chosen package keeps serving where kdns has no reason to redo its work. It is
// imported here only, on first use, because loading it costs about 67 MB of RSS and
// 0.8 s (its generated API models come with it), which in-cluster and plain
// kubeconfig users (src/k8s/kubeconfig.ts) do not pay.

import type { KubeConfig } from '@kubernetes/client-node';
import type { RequestOptions } from 'node:https';
import type { Credentials } from './credentials.js';

export class PluginCredentials implements Credentials {
  private kc: Promise<KubeConfig> | undefined;

  /**
   * @param server the context's cluster server, as kdns read it
   * @param text the kubeconfig as kdns read it, so both see the same file
   * @param dir the kubeconfig's directory, for relative paths
   */
  constructor(
    readonly server: string,
    private readonly text: string,
    private readonly dir: string,
    private readonly context: string,
  ) {}

  /**
   * Imports client-node and loads the configuration into it, once; rejects when it
   * refuses the file, and then tries again on the next call (the file may be fixed).
   */
  load(): Promise<KubeConfig> {
    if (this.kc) return this.kc;
    const loading = (async () => {
      const { KubeConfig } = await import('@kubernetes/client-node');
      const kc = new KubeConfig();
      // kdns has checked the context it uses; an unusable entry elsewhere in the file does not matter.
      kc.loadFromString(this.text, { onInvalidEntry: 'filter' });
      kc.makePathsAbsolute(this.dir);
      kc.setCurrentContext(this.context);
      // client-node refuses plain http unless TLS checks are off; on http there are none to make.
      kc.clusters = kc.clusters.map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c));
      return kc;
    })();
    this.kc = loading;
    loading.catch(() => { if (this.kc === loading) this.kc = undefined; });
    return loading;
  }

  /** client-node runs the plugin (caching its credential until it expires) and sets headers, TLS and agent. */
  async requestOptions(): Promise<RequestOptions> {
    const opts: RequestOptions = {};
    await (await this.load()).applyToHTTPSOptions(opts);
    return opts;
  }
}
