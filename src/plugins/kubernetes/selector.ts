// Kubernetes label selectors in their string form, as the `labels` and
// `namespace_labels` options take them (CoreDNS parses them with
// meta.ParseToLabelSelector): `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
// Requirements are ANDed; `==` is `=`. The numeric `>`/`<` forms are refused,
// as ParseToLabelSelector refuses them.

import { KdnsError } from '../../errors.js';

type Op = 'in' | 'notin' | 'exists' | '!exists';

interface Requirement {
  readonly key: string;
  readonly op: Op;
  /** Sorted, for a stable text form; `a=b` is `a in (b)`. */
  readonly values: readonly string[];
}

export type Labels = Readonly<Record<string, string>>;

/** A selector that cannot be parsed; setup turns it into a PluginSetupError. */
export class SelectorError extends KdnsError {
  constructor(message: string) {
    super('KDNS_ERR_SELECTOR', message);
  }
}

export class Selector {
  constructor(private readonly reqs: readonly Requirement[]) {}

  matches(labels: Labels): boolean {
    for (const r of this.reqs) {
      const has = Object.hasOwn(labels, r.key);
      switch (r.op) {
        case 'exists': if (!has) return false; break;
        case '!exists': if (has) return false; break;
        case 'in': if (!has || !r.values.includes(labels[r.key]!)) return false; break;
        case 'notin': if (has && r.values.includes(labels[r.key]!)) return false; break;
      }
    }
    return true;
  }

  /** The canonical text, as Kubernetes prints a selector. */
  toString(): string {
    return this.reqs.map((r) => {
      switch (r.op) {
        case 'exists': return r.key;
        case '!exists': return `!${r.key}`;
        case 'in': return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'notin': return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(',')})`;
      }
    }).join(',');
  }
}

// A label key is [prefix/]name: the prefix a DNS subdomain (<= 253), the name
// (and every non-empty value) <= 63 alphanumerics with -_. inside.
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkKey(key: string): void {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) {
    throw new SelectorError(`invalid label key '${key}': the prefix must be a DNS subdomain`);
  }
  if (name.length > 63 || !NAME.test(name)) {
    throw new SelectorError(`invalid label key '${key}': a name of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
  }
}

function checkValue(value: string): void {
  if (value !== '' && (value.length > 63 || !NAME.test(value))) {
    throw new SelectorError(`invalid label value '${value}': at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`);
  }
}

/** Tokens: words, and the operators `!`, `=`, `==`, `!=`, `,`, `(`, `)`. */
function tokenize(text: string): string[] {
  return text.match(/!=|==|[!=,()]|[^\s!=,()]+/g) ?? [];
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: readonly string[], private readonly text: string) {}

  private peek(): string | undefined {
    return this.toks[this.pos];
  }

  private take(): string | undefined {
    return this.toks[this.pos++];
  }

  private fail(what: string): SelectorError {
    const at = this.peek();
    return new SelectorError(`${what} ${at === undefined ? 'at the end' : `at '${at}'`} in '${this.text}'`);
  }

  private isWord(t: string | undefined): t is string {
    return t !== undefined && !/^(!=|==|[!=,()])$/.test(t);
  }

  parse(): Selector {
    const reqs: Requirement[] = [];
    if (this.peek() === undefined) return new Selector(reqs);
    for (;;) {
      reqs.push(this.requirement());
      const t = this.take();
      if (t === undefined) return new Selector(reqs);
      if (t !== ',') { this.pos--; throw this.fail('expected \',\''); }
    }
  }

  private requirement(): Requirement {
    if (this.peek() === '!') {
      this.take();
      return { key: this.key(), op: '!exists', values: [] };
    }
    const key = this.key();
    const op = this.peek();
    if (op === undefined || op === ',') return { key, op: 'exists', values: [] };
    this.take();
    switch (op) {
      case '=': case '==': return { key, op: 'in', values: [this.value()] };
      case '!=': return { key, op: 'notin', values: [this.value()] };
      case 'in': case 'notin': return { key, op, values: this.set() };
      default: this.pos--; throw this.fail('expected an operator (=, ==, !=, in, notin)');
    }
  }

  private key(): string {
    const t = this.peek();
    if (!this.isWord(t)) throw this.fail('expected a label key');
    this.take();
    checkKey(t);
    return t;
  }

  /** A value after `=`/`!=`; empty when a `,` or the end follows. */
  private value(): string {
    const t = this.peek();
    if (t === undefined || t === ',') return '';
    if (!this.isWord(t)) throw this.fail('expected a label value');
    this.take();
    checkValue(t);
    return t;
  }

  private set(): string[] {
    if (this.take() !== '(') { this.pos--; throw this.fail('expected \'(\''); }
    const values = new Set<string>();
    for (;;) {
      const t = this.peek();
      if (this.isWord(t)) { this.take(); checkValue(t); values.add(t); }
      else if (t === ',' || t === ')') values.add('');
      else throw this.fail('expected a value or \')\'');
      const sep = this.take();
      if (sep === ')') break;
      if (sep !== ',') { this.pos--; throw this.fail('expected \',\' or \')\''); }
    }
    // `in ()` reads as one empty value: Kubernetes refuses an empty set.
    if (values.size === 1 && values.has('') && this.toks[this.pos - 2] === '(') {
      throw new SelectorError(`for 'in' and 'notin' the set of values must not be empty in '${this.text}'`);
    }
    return [...values].sort();
  }
}

/** Parses a selector's string form; throws SelectorError (code KDNS_ERR_SELECTOR). */
export function parseSelector(text: string): Selector {
  return new Parser(tokenize(text), text.trim()).parse();
}
