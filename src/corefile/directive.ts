// A small reader over one directive line, for plugin setup (CoreDNS's dispenser).

import { PluginSetupError } from '../errors.js';
import type { Line, Token } from './types.js';

export class Directive {
  constructor(readonly line: Line, readonly plugin: string) {}

  get token(): Token {
    return this.line.tokens[0]!;
  }

  /** Argument texts after the directive name. */
  args(): string[] {
    return this.line.tokens.slice(1).map((t) => t.text);
  }

  argTokens(): Token[] {
    return this.line.tokens.slice(1);
  }

  /** The option lines of the block, each as a Directive of the same plugin. */
  options(): Directive[] {
    return (this.line.block ?? []).map((l) => new Directive(l, this.plugin));
  }

  /** The option name (for a line inside a block). */
  get name(): string {
    return this.token.text;
  }

  /** An error at this line (or `token`), as "file:line - plugin/NAME: message". */
  error(message: string, token: Token = this.token): PluginSetupError {
    return new PluginSetupError(token.file, token.line, this.plugin, message);
  }

  /** Throws unless the argument count lies in [min, max]. */
  expectArgs(min: number, max = min): string[] {
    const a = this.args();
    if (a.length < min || a.length > max) {
      const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw this.error(`${this.name} takes ${want} argument${max === 1 ? '' : 's'}, got ${a.length}`);
    }
    return a;
  }

  noBlock(): void {
    if (this.line.block) throw this.error(`${this.name} takes no block`);
  }

  unknownOption(): PluginSetupError {
    return this.error(`unknown property '${this.name}'`);
  }
}

/** Parses a Go-style duration ("5s", "1m30s", "300ms"); null if malformed. */
export function parseDuration(text: string): number | null {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  if (text === '0') return 0;
  let ms = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return null;
    ms += Number(m[1]) * unit[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos > 0 ? ms : null;
}
