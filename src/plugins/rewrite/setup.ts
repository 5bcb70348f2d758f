// `rewrite [continue|stop] name [exact|prefix|suffix|substring|regex] FROM TO [answer auto|name FROM TO|value FROM TO ...]`,
// `rewrite [continue|stop] type FROM TO`, `rewrite [continue|stop] class FROM TO`, and the
// block form `rewrite [continue|stop] { name ...; answer ... }` (CoreDNS plugin/rewrite).

import { Directive } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import { typeFromName } from '../../dns/constants.js';
import { fqdn } from '../../dns/names.js';
import type { Plugin } from '../plugin.js';
import { Substitution, type AnswerRule } from './answer.js';
import { Rewrite } from './rewrite.js';
import { FieldRule, NameRule, type Match, type Mode, type Rule } from './rules.js';

const NAME = 'rewrite';
const MATCHES: readonly Match[] = ['exact', 'prefix', 'suffix', 'substring', 'regex'];
/** The classes CoreDNS (miekg/dns StringToClass) knows by name. */
const CLASSES: Record<string, number> = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 };
/** Fields CoreDNS rewrites that kdns does not. */
const NOT_BUILT = ['edns0', 'ttl', 'cname', 'rcode'];

/** A compiled pattern whose template uses no group it lacks. */
function substitution(d: Directive, pattern: string, template: string): Substitution {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    throw d.error(`invalid regex matching pattern: ${pattern}`);
  }
  const groups = new RegExp(`${pattern}|`).exec('')!.length - 1;
  const used = new Set([...template.matchAll(/\{(\d+)\}/g)].map((m) => m[1])).size;
  if (used > groups) {
    throw d.error(`the rewrite regex pattern (${template}) uses more subexpressions than its corresponding matching regex pattern (${pattern})`);
  }
  return new Substitution(re, template);
}

/** `answer auto | answer (name|value) FROM TO`, several; `answer` may be left out after the first. */
function answerRules(d: Directive, args: string[]): AnswerRule[] {
  const rules: AnswerRule[] = [];
  let i = 0;
  while (i < args.length) {
    if (args[i] === 'answer') i++;
    else if (rules.length === 0) throw d.error(`unexpected '${args[i]}' after a name rule (want 'answer')`);
    const what = args[i]?.toLowerCase();
    if (what === 'auto') { rules.push({ kind: 'auto' }); i++; continue; }
    if (what !== 'name' && what !== 'value') throw d.error(`answer must be followed by auto, name FROM TO or value FROM TO, got '${args[i] ?? ''}'`);
    const [from, to] = [args[i + 1], args[i + 2]];
    if (from === undefined || to === undefined) throw d.error(`answer ${what} takes FROM and TO`);
    rules.push({ kind: what, sub: substitution(d, from, fqdn(to)) });
    i += 3;
  }
  return rules;
}

function nameRule(d: Directive, mode: Mode, args: string[]): Rule {
  if (args.length < 2) throw d.error('too few arguments for a name rule');
  const [match, from, to, ...rest] = args.length === 2 ? ['exact', ...args] : args as [string, string, string, ...string[]];
  const m = match!.toLowerCase() as Match;
  if (!MATCHES.includes(m)) {
    throw d.error(`name rule supports only exact, prefix, suffix, substring, and regex name matching, received: ${match}`);
  }
  const answers = answerRules(d, rest);
  // Exact rules always map the answer back (CoreDNS); the others only with `answer auto`.
  if (m === 'exact' && !answers.some((a) => a.kind === 'auto')) answers.unshift({ kind: 'auto' });
  if (m === 'regex') substitution(d, from!, to!);
  return new NameRule(mode, m, m === 'regex' ? from! : fqdn(from!), fqdn(to!), answers);
}

function fieldRule(d: Directive, mode: Mode, field: 'type' | 'class', args: string[]): Rule {
  if (args.length !== 2) throw d.error(`${field} rules must have exactly two arguments`);
  const [from, to] = args.map((a) => {
    const n = field === 'type' ? typeFromName(a) : CLASSES[a.toUpperCase()];
    if (n === undefined) throw d.error(`invalid ${field} '${a.toUpperCase()}'`);
    return n;
  }) as [number, number];
  return new FieldRule(mode, field === 'type' ? 'qtype' : 'qclass', from, to);
}

export function parse(line: Line): Rule {
  const d = new Directive(line, NAME);
  const args = d.args();
  // The block form: its lines are the rest of the rule.
  if (args.length < 2) for (const o of d.options()) args.push(o.name, ...o.args());
  else d.noBlock();
  let mode: Mode = 'stop';
  const first = args[0]?.toLowerCase();
  if (first === 'stop' || first === 'continue') {
    mode = first;
    args.shift();
  }
  const [field, ...rest] = args;
  switch (field?.toLowerCase()) {
    case undefined: throw d.error('no rule type specified for rewrite');
    case 'name': return nameRule(d, mode, rest);
    case 'type': return fieldRule(d, mode, 'type', rest);
    case 'class': return fieldRule(d, mode, 'class', rest);
    case 'answer': throw d.error('response rewrites must begin with a name rule');
    default:
      if (NOT_BUILT.includes(field!.toLowerCase())) throw d.error(`rewriting the ${field} field is not built into kdns (name, type and class are)`);
      throw d.error(`invalid rule type "${field}"`);
  }
}

export const plugin: Plugin = {
  name: NAME,
  repeatable: true,
  setup(line) {
    return { handler: new Rewrite(parse(line)) };
  },
};
