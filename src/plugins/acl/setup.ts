// `acl [ZONES...] { allow|block|filter|drop [type QTYPE...] [net SOURCE...] }` (CoreDNS syntax).

import { isIP } from 'node:net';
import { Directive } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import { typeFromName } from '../../dns/constants.js';
import type { Plugin } from '../plugin.js';
import { zonesOrBlock } from '../pkg/zones.js';
import { Acl, aclMetrics } from './acl.js';

export const ACTIONS = ['allow', 'block', 'filter', 'drop'] as const;
export type Action = (typeof ACTIONS)[number];

/** One line of the block: what to do with the queries it matches. */
export interface Policy {
  readonly action: Action;
  /** The query types it matches; null for all (`type *`, or no `type`). */
  readonly types: readonly number[] | null;
  /** The sources it matches, as ADDRESS/PREFIX; null for all (`net *`, or no `net`). */
  readonly nets: readonly string[] | null;
}

export interface AclConfig {
  readonly zones: readonly string[];
  /** In order: the first that matches a query decides. */
  readonly policies: readonly Policy[];
}

const SECTIONS = new Set(['type', 'net']);

/** A CIDR, or a single address as a /32 or /128; null if malformed. */
function cidr(text: string): string | null {
  const [ip, prefix, ...rest] = text.split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || rest.length > 0) return null;
  const max = family === 4 ? 32 : 128;
  if (prefix === undefined) return `${ip}/${max}`;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return null;
  return `${ip}/${Number(prefix)}`;
}

function parsePolicy(o: Directive): Policy {
  const action = o.name.toLowerCase() as Action;
  if (!ACTIONS.includes(action)) throw o.error(`unexpected token '${o.name}'; expect 'allow', 'block', 'filter' or 'drop'`);
  let types: number[] | null = [];
  let nets: string[] | null = [];
  const args = o.args();
  for (let i = 0; i < args.length;) {
    const section = args[i]!.toLowerCase();
    if (!SECTIONS.has(section)) throw o.error(`unexpected token '${args[i]}'; expect 'type' or 'net'`);
    const tokens: string[] = [];
    for (i++; i < args.length && !SECTIONS.has(args[i]!.toLowerCase()); i++) tokens.push(args[i]!);
    if (tokens.length === 0) throw o.error(`no token specified in '${section}' section`);
    for (const t of tokens) {
      if (t === '*') {
        if (section === 'type') types = null;
        else nets = null;
      } else if (section === 'type') {
        const type = typeFromName(t);
        if (type === undefined) throw o.error(`unexpected token '${t}'; expect legal QTYPE`);
        types?.push(type);
      } else {
        const net = cidr(t);
        if (net === null) throw o.error(`illegal CIDR notation '${t}'`);
        nets?.push(net);
      }
    }
  }
  return { action, types: types?.length === 0 ? null : types, nets: nets?.length === 0 ? null : nets };
}

export function parse(line: Line, blockZones: readonly string[]): AclConfig {
  const d = new Directive(line, 'acl');
  return { zones: zonesOrBlock(d, d.argTokens(), blockZones), policies: d.options().map(parsePolicy) };
}

export const plugin: Plugin = {
  name: 'acl',
  repeatable: true,
  setup(line, ctx) {
    return { handler: new Acl(parse(line, ctx.zones), aclMetrics(ctx.instance.metrics)) };
  },
};
