// The one place that fixes the order in which plugins run: CoreDNS's plugin.cfg.
// The order of lines in a Corefile never matters. Directives kdns does not build
// are listed too, so that using one is reported as "not built in", not "unknown".

export const PLUGIN_ORDER: readonly string[] = [
  'metadata', 'cancel', 'tls', 'timeouts', 'multisocket', 'reload', 'nsid', 'bufsize', 'root', 'bind',
  'debug', 'trace', 'ready', 'health', 'pprof', 'prometheus', 'errors', 'log', 'dnstap', 'local',
  'dns64', 'acl', 'any', 'chaos', 'loadbalance', 'tsig', 'cache', 'rewrite', 'header', 'dnssec',
  'autopath', 'minimal', 'template', 'transfer', 'hosts', 'route53', 'azure', 'clouddns',
  'k8s_external', 'kubernetes', 'file', 'auto', 'secondary', 'etcd', 'loop', 'forward', 'grpc',
  'erratic', 'whoami', 'on', 'sign', 'view',
];

const rank = new Map(PLUGIN_ORDER.map((name, i) => [name, i]));

/** Position of a directive in the chain; undefined for a name CoreDNS does not know either. */
export function orderOf(name: string): number | undefined {
  return rank.get(name);
}
