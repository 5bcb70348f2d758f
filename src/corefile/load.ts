// Entry points: a Corefile (file or text) -> server blocks (SPEC §4).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CorefileError } from '../errors.js';
import { rootLogger } from '../log.js';
import { expandEnv, lex } from './lexer.js';
import { Parser } from './parser.js';
import type { ServerBlock } from './types.js';

export interface ParseOptions {
  /** Directive names a server block may use; anything else is "Unknown directive". */
  knownDirectives: ReadonlySet<string>;
  /** Where `{$VAR}` and `{%VAR%}` are looked up; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Receives warnings (an import glob matching nothing); logs them by default. */
  warn?: (message: string) => void;
}

/** Reads and parses a Corefile from disk (imports are resolved relative to it). */
export function loadCorefile(path: string, opts: ParseOptions): ServerBlock[] {
  return parseCorefile(readCorefile(path), path, opts);
}

/** The text of a Corefile on disk. */
export function readCorefile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    // Line 0: the file as a whole, not one of its lines.
    throw new CorefileError(path, 0, `cannot read the Corefile: ${(e as Error).message}`, { cause: e });
  }
}

/** Parses Corefile text; `file` is the name used in errors and the base for relative imports. */
export function parseCorefile(text: string, file: string, opts: ParseOptions): ServerBlock[] {
  const env = opts.env ?? process.env;
  const warn = opts.warn ?? ((message: string) => rootLogger.warn({ file }, message));
  // The root file is the start of every import chain, so importing it again is a cycle.
  const tokens = lex(expandEnv(text, env), file, [resolve(file)]);
  return new Parser(tokens, { knownDirectives: opts.knownDirectives, env, warn }).parse();
}
