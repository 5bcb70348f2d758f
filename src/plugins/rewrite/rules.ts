// The rules of `rewrite` (CoreDNS plugin/rewrite: name.go, type.go, class.go): each
// maps a question to a new one, or does not apply to it.

import { fqdn } from '../../dns/names.js';
import { Substitution, type AnswerRule, type NameMap } from './answer.js';

export type Mode = 'stop' | 'continue';
export type Match = 'exact' | 'prefix' | 'suffix' | 'substring' | 'regex';

export interface Question {
  readonly lname: string;
  readonly qtype: number;
  readonly qclass: number;
}

export interface Rewritten {
  readonly question: Question;
  /** Applied, in order, to the owner names of the answer's records. */
  readonly names: NameMap[];
  /** Applied, in order, to the names the answer's records point to. */
  readonly values: NameMap[];
}

export interface Rule {
  readonly mode: Mode;
  /** The rewritten question, or null when the rule does not apply. */
  apply(q: Question): Rewritten | null;
}

/** Maps `from` and the names below it to `to` (and below): the rewritten question back to the client's. */
function remap(from: string, to: string): NameMap {
  return (name) => {
    const l = name.toLowerCase();
    if (l === from) return to;
    return l.endsWith(`.${from}`) ? l.slice(0, l.length - from.length) + to : null;
  };
}

export class NameRule implements Rule {
  /** For `regex`: the pattern and the replacement. */
  private readonly sub: Substitution | undefined;

  constructor(
    readonly mode: Mode,
    readonly match: Match,
    /** Lower-case FQDN text; the pattern for `regex`. */
    readonly from: string,
    /** Lower-case FQDN text, with `{N}` groups for `regex`. */
    readonly to: string,
    readonly answers: readonly AnswerRule[],
  ) {
    this.sub = match === 'regex' ? new Substitution(new RegExp(from), to) : undefined;
  }

  private rewrite(lname: string): string | null {
    const { from, to } = this;
    switch (this.match) {
      case 'exact': return lname === from ? to : null;
      case 'prefix': return lname.startsWith(from) ? to + lname.slice(from.length) : null;
      case 'suffix': return lname.endsWith(from) ? lname.slice(0, lname.length - from.length) + to : null;
      case 'substring': return lname.includes(from) ? lname.split(from).join(to) : null;
      case 'regex': {
        const name = this.sub!.apply(lname);
        return name === null ? null : fqdn(name);
      }
    }
  }

  apply(q: Question): Rewritten | null {
    const lname = this.rewrite(q.lname);
    if (lname === null) return null;
    const names: NameMap[] = [], values: NameMap[] = [];
    for (const a of this.answers) {
      if (a.kind === 'auto') names.push(this.reverse(q.lname, lname));
      else (a.kind === 'name' ? names : values).push((n) => a.sub.apply(n));
    }
    return { question: { ...q, lname }, names, values };
  }

  /**
   * `answer auto`: a suffix rule turns every answer name ending in TO back to FROM
   * (CoreDNS); any other rule turns the rewritten name, and names below it, back
   * into the client's.
   */
  private reverse(original: string, rewritten: string): NameMap {
    if (this.match !== 'suffix') return remap(rewritten, original);
    const { from, to } = this;
    return (name) => {
      const l = name.toLowerCase();
      return l.endsWith(to) ? l.slice(0, l.length - to.length) + from : null;
    };
  }
}

/** `type FROM TO` and `class FROM TO`: the question's type or class, when it is FROM. */
export class FieldRule implements Rule {
  constructor(readonly mode: Mode, readonly field: 'qtype' | 'qclass', readonly from: number, readonly to: number) {}

  apply(q: Question): Rewritten | null {
    if (q[this.field] !== this.from) return null;
    return { question: { ...q, [this.field]: this.to }, names: [], values: [] };
  }
}
