// Tokens -> server blocks (SPEC §4; Caddy v1 caddyfile/parse.go). Imports are spliced
// into the token list where they stand, so an imported file or snippet may hold whole
// server blocks, directives or option lines, wherever its import line is.

import { CorefileError } from '../errors.js';
import { importTokens, type ImportOptions } from './imports.js';
import { keyLabel, parseKey } from './keys.js';
import { unclosedBlock, type LexToken } from './lexer.js';
import type { Line, ServerBlock, Token, ZoneKey } from './types.js';

export interface ParserOptions extends ImportOptions {
  readonly knownDirectives: ReadonlySet<string>;
}

// Each import line expanded counts; a snippet importing another twice, ten deep, would
// otherwise expand a thousand-fold (Caddy caps its expansions the same way).
const MAX_IMPORTS = 1000;

const isOpen = (t: LexToken): boolean => !t.quoted && t.text === '{';
const isClose = (t: LexToken): boolean => !t.quoted && t.text === '}';
const isImport = (t: LexToken): boolean => !t.quoted && t.text === 'import';

function fail(t: { file: string; line: number }, message: string): CorefileError {
  return new CorefileError(t.file, t.line, message);
}

function plain(t: LexToken): Token {
  return { text: t.text, file: t.file, line: t.line };
}

export class Parser {
  private pos = 0;
  private imports = 0;
  private readonly snippets = new Map<string, LexToken[]>();
  private readonly blocks: ServerBlock[] = [];
  private readonly zones = new Map<string, ZoneKey>(); // "zone port" -> first key serving it

  constructor(private tokens: LexToken[], private readonly opts: ParserOptions) {}

  parse(): ServerBlock[] {
    for (let t = this.peek(); t; t = this.peek()) {
      if (isImport(t)) this.expandImport();
      else if (isClose(t)) throw fail(t, "Unexpected '}' because no matching opening brace");
      else if (isOpen(t)) throw fail(t, "Unexpected '{': a server block needs its keys (e.g. '.:53') before the '{'");
      else this.serverBlock();
    }
    return this.blocks;
  }

  private peek(): LexToken | undefined {
    return this.tokens[this.pos];
  }

  private last(): LexToken {
    return this.tokens[this.tokens.length - 1]!;
  }

  /** The next token if it continues the current line (not a brace). */
  private sameLine(): LexToken | undefined {
    const t = this.peek();
    return t && !t.lineStart && !isOpen(t) && !isClose(t) ? t : undefined;
  }

  private serverBlock(): void {
    const keyTokens = this.keyTokens();
    const snippet = keyTokens.find((k) => /^\(.*\)$/.test(k.text));
    if (snippet) {
      if (keyTokens.length > 1) throw fail(snippet, `snippet '${snippet.text}' must be the only key on its line`);
      this.defineSnippet(snippet);
      return;
    }
    const keys = keyTokens.flatMap((k) => parseKey(plain(k)));
    for (const k of keys) this.claim(k);

    const first = keyTokens[0]!;
    const open = this.peek();
    let directives: Line[];
    if (open && isOpen(open)) {
      this.pos++;
      directives = this.lines(0, open);
    } else {
      // Without braces the block runs to the end of the file, so it can only be the one block.
      if (this.blocks.length > 0) {
        throw fail(first, `server block '${first.text}' has no '{': braces may be left out only when the file has one server block`);
      }
      directives = this.lines(0, null);
    }
    this.blocks.push({ keys, directives, token: plain(first) });
  }

  /**
   * The keys of a block: the tokens of one line, split at commas; a key list that
   * ends in a comma continues on the next line.
   */
  private keyTokens(): LexToken[] {
    const keys: LexToken[] = [];
    let last: LexToken | undefined;
    let more = true; // a comma (or nothing yet) asks for another key
    for (let t = this.peek(); t; t = this.peek()) {
      if (last && t.lineStart && !more) break;
      if (isOpen(t) || isClose(t)) break;
      if (last && t.lineStart && isImport(t)) { this.expandImport(); continue; }
      this.pos++;
      last = t;
      for (const part of t.text.split(',')) if (part !== '') keys.push({ ...t, text: part });
      more = t.text.endsWith(',');
    }
    const at = this.peek() ?? last!;
    if (more && keys.length > 0) {
      throw fail(at, this.peek() ? `expected another key after ',' but got '${at.text}'` : "unexpected EOF, expecting another key after ','");
    }
    if (keys.length === 0) throw fail(at, 'expected a server block key');
    return keys;
  }

  /** Records that a key's zone and port are served, refusing a second claim (CoreDNS: "already defined"). */
  private claim(key: ZoneKey): void {
    const id = `${key.zone} ${key.port}`;
    const prev = this.zones.get(id);
    if (prev) {
      throw fail(key.token, `duplicate zone '${keyLabel(key)}' (from key '${key.token.text}'; already served by '${prev.token.text}' at ${prev.token.file}:${prev.token.line})`);
    }
    this.zones.set(id, key);
  }

  /** `(name) { ... }`: stores the body's tokens, to be spliced in by `import name`. */
  private defineSnippet(key: LexToken): void {
    const name = key.text.slice(1, -1);
    if (name === '') throw fail(key, "a snippet needs a name: '(NAME) {'");
    if (this.snippets.has(name)) throw fail(key, `redeclaration of previously declared snippet '${name}'`);
    const open = this.peek();
    if (!open || !isOpen(open)) throw fail(key, `snippet '${key.text}' needs a body in braces: '${key.text} {'`);
    this.pos++;
    const body: LexToken[] = [];
    for (let depth = 1; ; ) {
      const t = this.tokens[this.pos++];
      if (!t) throw unclosedBlock(open, this.last(), `snippet '${key.text}'`);
      if (isOpen(t)) depth++;
      else if (isClose(t) && --depth === 0) break;
      body.push(t);
    }
    this.snippets.set(name, body);
  }

  /**
   * The lines of a block up to its closing `}` (or, without `open`, to the end of
   * the file). Directive names are checked only at `depth` 0: option names belong
   * to their plugin.
   */
  private lines(depth: number, open: LexToken | null): Line[] {
    const out: Line[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) {
        if (open) throw unclosedBlock(open, this.last());
        return out;
      }
      if (isClose(t)) {
        if (!open) throw fail(t, "Unexpected '}' because no matching opening brace");
        this.pos++;
        return out;
      }
      if (isOpen(t)) throw fail(t, "Unexpected '{': a block opens at the end of its directive's line");
      if (isImport(t)) { this.expandImport(); continue; }
      if (depth === 0 && !this.opts.knownDirectives.has(t.text)) throw fail(t, unknownDirective(t.text, this.opts.knownDirectives));
      out.push(this.line(depth));
    }
  }

  /** One directive or option line, with its block when a `{` follows on the same line. */
  private line(depth: number): Line {
    const tokens = [plain(this.tokens[this.pos++]!)];
    for (let t = this.sameLine(); t; t = this.sameLine()) tokens.push(plain(this.tokens[this.pos++]!));
    const open = this.peek();
    if (!open || !isOpen(open) || open.lineStart) return { tokens, block: null };
    this.pos++;
    const block = this.lines(depth + 1, open);
    const after = this.sameLine();
    if (after) throw fail(after, `Unexpected '${after.text}' after '}': start a new line`);
    return { tokens, block };
  }

  /** Replaces the import line at the cursor by the tokens it stands for. */
  private expandImport(): void {
    const at = this.tokens[this.pos++]!;
    const args: LexToken[] = [];
    for (let t = this.sameLine(); t; t = this.sameLine()) args.push(this.tokens[this.pos++]!);
    const brace = this.peek();
    if (brace && isOpen(brace) && !brace.lineStart) throw fail(brace, 'import takes no block');
    if (++this.imports > MAX_IMPORTS) throw fail(at, `more than ${MAX_IMPORTS} imports: do snippets import each other in a loop?`);
    const spliced = importTokens(at, args, this.snippets, this.opts);
    this.tokens = this.tokens.slice(0, this.pos).concat(spliced, this.tokens.slice(this.pos));
  }
}

function unknownDirective(name: string, known: ReadonlySet<string>): string {
  // Caddy wants '{' apart from the word before it: `health{` is not `health {`.
  const glued = name.endsWith('{') && known.has(name.slice(0, -1));
  return `Unknown directive '${name}'${glued ? ` (put a space before '{': '${name.slice(0, -1)} {')` : ''}`;
}
