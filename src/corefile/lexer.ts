// Corefile text -> tokens (SPEC §4), as the Caddy v1 lexer CoreDNS uses: tokens are
// separated by whitespace, "..." may span lines (only \" is an escape), and `#`
// outside quotes starts a comment, even in the middle of a word.

import { CorefileError } from '../errors.js';

/** A token plus what the parser needs to know about where it came from. */
export interface LexToken {
  readonly text: string;
  readonly file: string;
  /** The line the token starts on. */
  readonly line: number;
  /** Written in quotes: a quoted "{" or "import" is plain text. */
  readonly quoted: boolean;
  /** First token of its line (the parser ends a directive there). */
  readonly lineStart: boolean;
  /** The imports (file paths, "(snippet)" names) this token came through, outermost first. */
  readonly via: readonly string[];
}

// `{$VAR}` and `{%VAR%}` (Caddy v1 replaceEnvVars). A name holds no space or brace,
// so a stray `{$` cannot swallow the rest of the file.
const ENV_REF = /\{\$([^{}\s]+)\}|\{%([^{}%\s]+)%\}/g;

/**
 * Replaces environment references in the whole text before lexing. A missing
 * variable becomes "" (as Caddy); newlines in a value become spaces so that every
 * later token keeps its line number.
 */
export function expandEnv(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(ENV_REF, (_m, unix: string | undefined, win: string | undefined) =>
    (env[unix ?? win!] ?? '').replace(/\r?\n|\r/g, ' '));
}

const SPACE = /\s/;

/**
 * A block still open at the end of the input. Reported at the last token, where
 * CoreDNS reports it, naming the '{' that was never closed.
 */
export function unclosedBlock(open: LexToken, last: LexToken, what = `the '{'`): CorefileError {
  return new CorefileError(last.file, last.line, `unexpected EOF, expecting '}' to close ${what} at ${open.file}:${open.line}`);
}

export function lex(text: string, file: string, via: readonly string[]): LexToken[] {
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const out: LexToken[] = [];
  let line = 1;
  let lastLine = 0; // the line the previous token ended on
  const push = (t: string, start: number, quoted: boolean): void => {
    out.push({ text: t, file, line: start, quoted, lineStart: start > lastLine, via });
    lastLine = line;
  };

  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\n') { line++; i++; continue; }
    if (SPACE.test(ch)) { i++; continue; }
    if (ch === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (ch === '"') {
      const start = line;
      let val = '';
      for (i++; ; i++) {
        if (i >= src.length) throw new CorefileError(file, start, 'unexpected EOF inside a quoted string (missing closing \'"\')');
        const c = src[i]!;
        if (c === '"') { i++; break; }
        if (c === '\\' && i + 1 < src.length) {
          // Only \" is an escape; any other backslash pair is kept as written (Caddy v1).
          const d = src[++i]!;
          if (d === '\n') line++;
          val += d === '"' ? '"' : '\\' + d;
          continue;
        }
        if (c === '\n') line++;
        val += c;
      }
      push(val, start, true);
      continue;
    }
    // A quote inside a word is literal: quoting only starts at the beginning of a token.
    let j = i;
    while (j < src.length && src[j] !== '#' && !SPACE.test(src[j]!)) j++;
    for (const part of splitBraces(src.slice(i, j))) push(part, line, false);
    i = j;
  }
  return out;
}

/**
 * Caddy wants braces as tokens of their own. Two slips are common enough to
 * accept: `{}` (an empty block) and a `}` glued to the end of a line's last word
 * (`lameduck 5s}`). A `}` that closes a `{` in the same word (`{combined}`,
 * `{args[0]}`) stays part of it.
 */
function splitBraces(word: string): string[] {
  if (word === '{}') return ['{', '}'];
  let end = word.length;
  while (end > 0 && word[end - 1] === '}') end--;
  if (end === word.length) return [word];
  let open = 0;
  for (let k = 0; k < end; k++) {
    if (word[k] === '{') open++;
    else if (word[k] === '}' && --open < 0) return [word]; // unbalanced in the middle: leave it alone
  }
  const unmatched = word.length - end - open;
  if (unmatched <= 0) return [word];
  const head = word.slice(0, word.length - unmatched);
  const braces: string[] = Array.from({ length: unmatched }, () => '}');
  return head === '' ? braces : [head, ...braces];
}
