// What the Corefile parser produces (SPEC §4).

export interface Token {
  readonly text: string;
  readonly file: string;
  readonly line: number;
}

/**
 * One directive line: `tokens[0]` is the directive (or option) name, the rest its
 * arguments on the same line; `block` holds the lines between `{` and `}` when a
 * `{` ended the line, else null. Blocks may nest.
 */
export interface Line {
  readonly tokens: Token[];
  readonly block: Line[] | null;
}

/** A server block key after normalisation: `dns://example.org:1053` -> zone "example.org.", port 1053. */
export interface ZoneKey {
  /** Lower-case FQDN; "." for the root. A CIDR key yields one ZoneKey per reverse zone. */
  readonly zone: string;
  /** The port the key names, or null for the default (53, or -dns.port). */
  readonly port: number | null;
  readonly token: Token;
}

export interface ServerBlock {
  readonly keys: ZoneKey[];
  readonly directives: Line[];
  /** Where the block starts, for error messages. */
  readonly token: Token;
}
