// The `kubernetes` directive (CoreDNS syntax, SPEC §1 "Options"), plus kdns's `fixture FILE`.

import { dirname, resolve } from 'node:path';
import { Directive, parseDuration } from '../../corefile/directive.js';
import type { Line, Token } from '../../corefile/types.js';
import { isSubdomain } from '../../dns/names.js';
import type { ApiTarget } from '../../k8s/connection.js';
import type { Logger } from '../../log.js';
import type { Plugin, PluginInstance } from '../plugin.js';
import { fallthroughZones, zonesOf } from '../pkg/zones.js';
import { ApiSource } from './api-source.js';
import { DEFAULT_STARTUP_TIMEOUT_MS, DEFAULT_TTL, type KubernetesConfig, type PodMode } from './config.js';
import { FixtureSource } from './fixture.js';
import { KubernetesHandler } from './handler.js';
import { watchMetrics } from './metrics.js';
import { ownAddresses } from './local.js';
import type { ClusterView } from './objects.js';
import { isReverseZone } from './parse.js';
import { parseSelector, SelectorError, type Selector } from './selector.js';
import { ClusterStore } from './store.js';

const NAME = 'kubernetes';
const POD_MODES: readonly PodMode[] = ['disabled', 'insecure', 'verified'];
const MAX_TTL = 3600;

/**
 * Zones as server block keys write them (names or CIDRs) -> lower-case FQDNs; with
 * `within`, each must lie inside one of those zones (CoreDNS: a plugin only sees the
 * names its server block receives).
 */
function zonesWithin(d: Directive, tokens: readonly Token[], within?: readonly string[]): string[] {
  const zones: string[] = [];
  for (const token of tokens) {
    for (const zone of zonesOf(d, [token])) {
      if (within && !within.some((b) => isSubdomain(zone, b))) {
        throw d.error(`zone '${zone}' is not within the server block's zones (${within.join(' ')})`, token);
      }
      if (!zones.includes(zone)) zones.push(zone);
    }
  }
  return zones;
}

function selector(o: Directive): Selector {
  const text = o.expectArgs(1, Infinity).join(' ');
  try {
    return parseSelector(text);
  } catch (err) {
    if (err instanceof SelectorError) throw o.error(`unable to parse ${o.name} selector value: '${text}': ${err.message}`);
    throw err;
  }
}

/** Parses one `kubernetes` line; `blockZones` are the server block's zones (the default). */
export function parse(line: Line, blockZones: readonly string[]): KubernetesConfig {
  const d = new Directive(line, NAME);
  const args = d.argTokens();
  const zones = args.length > 0 ? zonesWithin(d, args, blockZones) : [...blockZones];
  const primaryZone = zones.find((z) => !isReverseZone(z));
  if (primaryZone === undefined) throw d.error('non-reverse zone name must be used');

  let endpoint: string | undefined;
  let tls: KubernetesConfig['tls'];
  let kubeconfig: KubernetesConfig['kubeconfig'];
  const namespaces = new Set<string>();
  let labels: Selector | undefined;
  let namespaceLabels: Selector | undefined;
  let pods: PodMode = 'disabled';
  let endpointPodNames = false;
  let ttl = DEFAULT_TTL;
  let noEndpoints = false;
  let fallthrough: string[] | undefined;
  let ignoreEmptyService = false;
  let startupTimeout = DEFAULT_STARTUP_TIMEOUT_MS;
  let fixture: string | undefined;

  for (const o of d.options()) {
    o.noBlock();
    switch (o.name) {
      case 'endpoint': {
        // CoreDNS still accepts several (deprecated) and uses the first.
        const url = o.expectArgs(1, Infinity)[0]!;
        if (!URL.canParse(url)) throw o.error(`endpoint '${url}' is not a URL`);
        endpoint = url;
        break;
      }
      case 'tls': {
        const [cert, key, ca] = o.expectArgs(3) as [string, string, string];
        tls = { cert, key, ca };
        break;
      }
      case 'kubeconfig': {
        const [file, context] = o.expectArgs(1, 2);
        kubeconfig = { file: file!, context };
        break;
      }
      case 'namespaces':
        for (const ns of o.expectArgs(1, Infinity)) namespaces.add(ns.toLowerCase());
        break;
      case 'labels': labels = selector(o); break;
      case 'namespace_labels': namespaceLabels = selector(o); break;
      case 'pods': {
        const mode = o.expectArgs(1)[0]!;
        if (!(POD_MODES as readonly string[]).includes(mode)) {
          throw o.error(`wrong value for pods: ${mode}, must be one of: ${POD_MODES.join(', ')}`);
        }
        pods = mode as PodMode;
        break;
      }
      case 'endpoint_pod_names': o.expectArgs(0); endpointPodNames = true; break;
      case 'ttl': {
        const text = o.expectArgs(1)[0]!;
        const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
        if (!(n <= MAX_TTL)) throw o.error(`ttl must be an integer in range [0, ${MAX_TTL}]: ${text}`);
        ttl = n;
        break;
      }
      case 'noendpoints': o.expectArgs(0); noEndpoints = true; break;
      case 'fallthrough': fallthrough = fallthroughZones(o); break;
      case 'ignore': {
        const what = o.expectArgs(1)[0]!;
        if (what !== 'empty_service') throw o.error(`unable to parse ignore value: '${what}' (only empty_service)`);
        ignoreEmptyService = true;
        break;
      }
      case 'startup_timeout': {
        const text = o.expectArgs(1)[0]!;
        const ms = parseDuration(text);
        if (ms === null) throw o.error(`invalid duration '${text}' (e.g. 5s, 1m30s)`);
        startupTimeout = ms;
        break;
      }
      case 'fixture': {
        const file = o.expectArgs(1)[0]!;
        // Relative to the Corefile, as `import` is (SPEC §4).
        fixture = resolve(dirname(o.token.file), file);
        break;
      }
      default: throw o.unknownOption();
    }
  }
  if (namespaces.size > 0 && namespaceLabels) throw d.error('namespaces and namespace_labels cannot both be set');
  if (fixture !== undefined && (endpoint !== undefined || kubeconfig !== undefined)) {
    throw d.error("'fixture' and 'endpoint'/'kubeconfig' cannot both be set: choose one source of cluster state");
  }
  return {
    zones, primaryZone, endpoint, tls, kubeconfig, namespaces, labels, namespaceLabels, pods, endpointPodNames,
    ttl, noEndpoints, fallthrough, ignoreEmptyService, startupTimeout, fixture,
  };
}

/** Resolves true once `view` has synced, false when `timeoutMs` passes first. */
export function waitForSync(view: ClusterView, timeoutMs: number): Promise<boolean> {
  if (view.synced) return Promise.resolve(true);
  return new Promise((done) => {
    const finish = (synced: boolean): void => {
      clearTimeout(timer);
      unsubscribe();
      done(synced);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const unsubscribe = view.onChange(() => { if (view.synced) finish(true); });
  });
}

/**
 * The API server to watch: `kubeconfig` first, then `endpoint` (CoreDNS's order),
 * else in-cluster when running in a pod; undefined when there is none.
 */
export function apiTarget(cfg: KubernetesConfig, env: NodeJS.ProcessEnv = process.env): ApiTarget | undefined {
  if (cfg.kubeconfig) return { kind: 'kubeconfig', file: cfg.kubeconfig.file, context: cfg.kubeconfig.context };
  if (cfg.endpoint !== undefined) return { kind: 'endpoint', url: cfg.endpoint, tls: cfg.tls };
  return env.KUBERNETES_SERVICE_HOST ? { kind: 'in-cluster' } : undefined;
}

/** Where cluster state comes from: the fixture file, else the API. */
function sourceFor(cfg: KubernetesConfig, store: ClusterStore, log: Logger): FixtureSource | ApiSource | undefined {
  // Pods are read only by `pods verified` (CoreDNS watches them only then).
  if (cfg.fixture !== undefined) return new FixtureSource(cfg.fixture, store, log, { pods: cfg.pods === 'verified' });
  const target = apiTarget(cfg);
  return target && new ApiSource(cfg, target, store, log);
}

export const plugin: Plugin = {
  name: NAME,
  setup(line, ctx): PluginInstance {
    const cfg = parse(line, ctx.zones);
    const d = new Directive(line, NAME);
    const log = ctx.instance.log.child({ plugin: NAME });
    const store = new ClusterStore(log);
    const source = sourceFor(cfg, store, log);
    const unsubscribe = store.onChange(() => ctx.instance.announceChange(cfg.zones));
    const unwatch = watchMetrics(ctx.instance.metrics, `dns://:${ctx.port}`, cfg.primaryZone, store,
      source instanceof ApiSource ? source.health : undefined, source instanceof FixtureSource ? source : undefined);
    return {
      handler: new KubernetesHandler(cfg, store, ownAddresses()),
      async start() {
        if (!source) {
          throw d.error("no cluster state source: not in a pod (KUBERNETES_SERVICE_HOST is not set), and no 'fixture FILE', "
            + "'endpoint URL' or 'kubeconfig FILE' is given");
        }
        await source.start();
        if (!(await waitForSync(store, cfg.startupTimeout))) {
          log.warn(`starting with unsynced cluster state after ${cfg.startupTimeout} ms: SERVFAIL instead of NXDOMAIN until it syncs`);
        }
      },
      async stop() {
        unsubscribe();
        unwatch();
        await source?.stop();
      },
      ready: () => store.synced,
    };
  },
};
