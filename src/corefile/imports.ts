// `import NAME|FILE|GLOB [ARGS...]` (SPEC §4; Caddy v1 doImport): the tokens an import
// line stands for. Imported tokens keep their own file:line and record the chain of
// imports they came through, which is how a cycle is caught.

import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, join, parse as parsePath, resolve, sep } from 'node:path';
import { CorefileError } from '../errors.js';
import { expandEnv, lex, unclosedBlock, type LexToken } from './lexer.js';

export interface ImportOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly warn: (message: string) => void;
}

const GLOB_META = /[*?[]/;

/** The tokens to splice in place of the import line `at ARGS...`. */
export function importTokens(
  at: LexToken,
  args: readonly LexToken[],
  snippets: ReadonlyMap<string, readonly LexToken[]>,
  opts: ImportOptions,
): LexToken[] {
  const [target, ...params] = args;
  if (!target) throw fail(at, 'import needs a snippet name or a file path');
  if (target.text === '') throw fail(target, 'import needs a non-empty snippet name or file path');
  const snippet = snippets.get(target.text);
  if (snippet) return place(snippet, `(${target.text})`, at, params);
  return importFiles(at, target.text, opts).flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw fail(at, `could not import ${file}: ${(e as Error).message}`, e);
    }
    return place(balanced(lex(expandEnv(text, opts.env), file, [])), file, at, params);
  });
}

/**
 * An imported file must close the blocks it opens: its tokens are spliced into the
 * importer's, where a missing '}' would otherwise borrow the importer's own and the
 * error would point at the wrong file.
 */
function balanced(tokens: LexToken[]): LexToken[] {
  const open: LexToken[] = [];
  for (const t of tokens) {
    if (t.quoted) continue;
    if (t.text === '{') open.push(t);
    else if (t.text === '}' && !open.pop()) throw fail(t, "Unexpected '}' because no matching opening brace");
  }
  const unclosed = open.pop();
  if (unclosed) throw unclosedBlock(unclosed, tokens[tokens.length - 1]!);
  return tokens;
}

// Snippet arguments as Caddy writes them: `{args[N]}`, and `{args[:]}` for all of them.
const ARG_REF = /\{args\[(\d+|:)\]\}/g;

/** Copies `tokens` as coming through import `key`, with snippet arguments filled in. */
function place(tokens: readonly LexToken[], key: string, at: LexToken, params: readonly LexToken[]): LexToken[] {
  const via = [...at.via, key];
  if (at.via.includes(key)) throw fail(at, `import cycle: ${via.join(' -> ')}`);
  const out: LexToken[] = [];
  let carry = true; // the first token starts a line wherever the snippet body began
  for (const t of tokens) {
    const lineStart: boolean = carry || t.lineStart;
    if (!t.quoted && t.text === '{args[:]}') {
      params.forEach((p, i) => out.push({ ...t, text: p.text, via, lineStart: lineStart && i === 0 }));
      carry = lineStart && params.length === 0; // expanded to nothing: the next token starts the line
      continue;
    }
    carry = false;
    const text = t.text.replace(ARG_REF, (_m, index: string) => {
      if (index === ':') return params.map((p) => p.text).join(' ');
      const p = params[Number(index)];
      if (!p) throw fail(at, `${t.file}:${t.line} uses {args[${index}]} but import gave ${params.length} argument(s)`);
      return p.text;
    });
    out.push({ ...t, text, via, lineStart });
  }
  return out;
}

/** The files an import names: one plain file (which must exist) or a glob's matches, sorted. */
function importFiles(at: LexToken, pattern: string, opts: ImportOptions): string[] {
  // Relative to the importing file, not the working directory (Caddy issue #867).
  const path = resolve(dirname(resolve(at.file)), pattern);
  if (!GLOB_META.test(pattern)) {
    const st = stat(path);
    if (!st) throw fail(at, `file to import not found: ${pattern}`);
    if (st.isDirectory()) throw fail(at, `could not import ${pattern}: is a directory`);
    return [path];
  }
  const files = glob(path);
  // An empty glob is not an error (CoreDNS logs a warning): a conf.d directory may be empty.
  if (files.length === 0) opts.warn(`No files matching import glob pattern: ${pattern}`);
  return files;
}

/**
 * Expands `*`, `?` and `[...]` in any segment of an absolute path, as Go's
 * filepath.Glob (a `*` also matches a leading dot). Directories are skipped:
 * a ConfigMap mount holds `..data` directories next to its files.
 */
function glob(pattern: string): string[] {
  const { root } = parsePath(pattern);
  const segments = pattern.slice(root.length).split(sep).filter((s) => s !== '');
  let paths = [root];
  for (const seg of segments) {
    if (!GLOB_META.test(seg)) {
      paths = paths.map((p) => join(p, seg));
      continue;
    }
    const re = segmentRegExp(seg);
    paths = paths.flatMap((dir) => {
      try {
        return readdirSync(dir).filter((name) => re.test(name)).map((name) => join(dir, name));
      } catch {
        return []; // not a directory, or unreadable: nothing matches below it
      }
    });
  }
  // statSync follows symlinks, which is what a ConfigMap's files are.
  return paths.filter((p) => stat(p)?.isFile() ?? false).sort();
}

/** The file's status, or undefined when there is nothing readable there (ENOENT, ENOTDIR, EACCES). */
function stat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function segmentRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    const close = c === '[' ? seg.indexOf(']', i + 2) : -1;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (close > 0) {
      re += seg.slice(i, close + 1); // a class: the same syntax in Go and JS ([abc], [^abc], [a-z])
      i = close;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

function fail(at: LexToken, message: string, cause?: unknown): CorefileError {
  return new CorefileError(at.file, at.line, message, cause === undefined ? undefined : { cause });
}
