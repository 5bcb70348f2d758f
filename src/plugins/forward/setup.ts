// `forward FROM TO... { except NAMES...; force_tcp; prefer_udp; expire DURATION; max_fails N;
//   health_check DURATION [no_rec] [domain FQDN]; policy random|round_robin|sequential;
//   max_concurrent MAX; next RCODE...; failover RCODE...; failfast_all_unhealthy_upstreams }`

import { Directive, parseDuration } from '../../corefile/directive.js';
import { parseKey } from '../../corefile/keys.js';
import type { Line, Token } from '../../corefile/types.js';
import { Rcode } from '../../dns/constants.js';
import { CorefileError } from '../../errors.js';
import type { Plugin } from '../plugin.js';
import { DEFAULTS, MAX_UPSTREAMS, type ForwardConfig, type HealthCheck, type Policy, type UpstreamAddress } from './config.js';
import { Forward } from './forward.js';
import { parseUpstream } from './resolvconf.js';
import { watchMetrics } from './metrics.js';
import { registerUpstreams } from './upstreams.js';

const POLICIES: readonly Policy[] = ['random', 'round_robin', 'sequential'];

/** A zone as a server block key writes it (`example.org`, `dns://example.org`, a CIDR): its first zone. */
function zonesOf(d: Directive, token: Token): string[] {
  try {
    return parseKey(token).map((k) => k.zone);
  } catch (e) {
    if (e instanceof CorefileError) throw d.error(`invalid zone '${token.text}'`, token);
    throw e;
  }
}

function rcodes(o: Directive, allowNoError: boolean): Set<number> {
  const out = new Set<number>();
  for (const text of o.expectArgs(1, Infinity)) {
    const rcode = (Rcode as Record<string, number>)[text.toUpperCase()];
    if (rcode === undefined) throw o.error(`'${text}' is not a valid rcode`);
    if (rcode === Rcode.NOERROR && !allowNoError) throw o.error(`NOERROR cannot be used with ${o.name}`);
    out.add(rcode);
  }
  return out;
}

function positiveDuration(o: Directive, text: string): number {
  const ms = parseDuration(text);
  if (ms === null || ms <= 0) throw o.error(`${o.name}: '${text}' is not a positive duration`);
  return ms;
}

function parseHealthCheck(o: Directive): HealthCheck {
  const [interval, ...rest] = o.expectArgs(1, 4) as [string, ...string[]];
  const intervalMs = positiveDuration(o, interval);
  let recursionDesired = true;
  let domain = '.';
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === 'no_rec') recursionDesired = false;
    else if (rest[i] === 'domain' && rest[i + 1] !== undefined) {
      domain = zonesOf(o, o.argTokens()[i + 2]!)[0]!;
      i++;
    } else throw o.error(`health_check: unknown argument '${rest[i]}' (want no_rec or domain FQDN)`);
  }
  return { intervalMs, recursionDesired, domain };
}

export function parse(line: Line): ForwardConfig {
  const d = new Directive(line, 'forward');
  const args = d.argTokens();
  if (args.length < 2) throw d.error('forward takes FROM and at least one TO');
  const from = zonesOf(d, args[0]!)[0]!;
  const to: UpstreamAddress[] = [];
  for (const t of args.slice(1)) {
    try {
      to.push(...parseUpstream(t.text));
    } catch (e) {
      throw d.error((e as Error).message, t);
    }
  }
  if (to.length > MAX_UPSTREAMS) throw d.error(`more than ${MAX_UPSTREAMS} TOs configured: ${to.length}`);
  const cfg: { -readonly [K in keyof ForwardConfig]: ForwardConfig[K] } = { ...DEFAULTS, from, to };
  const except: string[] = [];
  for (const o of d.options()) {
    o.noBlock();
    switch (o.name) {
      case 'except':
        o.expectArgs(1, Infinity);
        for (const t of o.argTokens()) except.push(...zonesOf(o, t));
        cfg.except = except;
        break;
      case 'force_tcp': o.expectArgs(0); cfg.forceTcp = true; break;
      case 'prefer_udp': o.expectArgs(0); cfg.preferUdp = true; break;
      case 'failfast_all_unhealthy_upstreams': o.expectArgs(0); cfg.failfastAllUnhealthy = true; break;
      case 'expire': cfg.expireMs = positiveDuration(o, o.expectArgs(1)[0]!); break;
      case 'max_fails': cfg.maxFails = integer(o, 0); break;
      case 'max_concurrent': cfg.maxConcurrent = integer(o, 1); break;
      case 'health_check': cfg.healthCheck = parseHealthCheck(o); break;
      case 'policy': {
        const [p] = o.expectArgs(1) as [string];
        if (!POLICIES.includes(p as Policy)) throw o.error(`unknown policy '${p}' (want ${POLICIES.join(', ')})`);
        cfg.policy = p as Policy;
        break;
      }
      case 'next': cfg.next = rcodes(o, true); break;
      case 'failover': cfg.failover = rcodes(o, false); break;
      default: throw o.unknownOption();
    }
  }
  return cfg;
}

function integer(o: Directive, min: number): number {
  const [text] = o.expectArgs(1) as [string];
  const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min)) throw o.error(`${o.name}: '${text}' is not an integer >= ${min}`);
  return n;
}

export const plugin: Plugin = {
  name: 'forward',
  // CoreDNS allows several forward lines in a block (tried in Corefile order, with `next`).
  repeatable: true,
  setup(line, ctx) {
    const cfg = parse(line);
    const fwd = new Forward(cfg, ctx.instance.log.child({ plugin: 'forward' }));
    registerUpstreams(ctx.instance, ctx.zones, cfg.to);
    const unwatch = watchMetrics(ctx.instance.metrics, fwd);
    return { handler: fwd, stop: () => { unwatch(); return fwd.close(); } };
  },
};
