// Corefile text -> Line, for plugin setup tests that must not wait for the real parser.
// Tokens split on whitespace, "..." is one token, `{` ending a line opens a block
// and a `}` token closes it.

import type { Line, Token } from '../../src/corefile/types.js';

export const TEST_FILE = 'Corefile';

function tokenize(text: string): Token[][] {
  return text.split('\n').map((src, i) => [...src.matchAll(/"((?:[^"\\]|\\.)*)"|\S+/g)]
    .map((m) => ({ text: m[1] !== undefined ? m[1].replace(/\\"/g, '"') : m[0], file: TEST_FILE, line: i + 1 })));
}

function readLines(rows: Token[][], pos: { row: number }, nested: boolean): Line[] {
  const out: Line[] = [];
  for (; pos.row < rows.length; pos.row++) {
    const tokens = rows[pos.row]!;
    if (tokens.length === 0) continue;
    if (tokens.length === 1 && tokens[0]!.text === '}') {
      if (!nested) throw new Error(`line ${pos.row + 1}: '}' without '{'`);
      return out;
    }
    if (tokens[tokens.length - 1]!.text === '{') {
      pos.row++;
      out.push({ tokens: tokens.slice(0, -1), block: readLines(rows, pos, true) });
    } else {
      out.push({ tokens, block: null });
    }
  }
  if (nested) throw new Error("unexpected end of text, expecting '}'");
  return out;
}

/** Every directive line of `text`, each with its block. */
export function lines(text: string): Line[] {
  return readLines(tokenize(text), { row: 0 }, false);
}

/** The one directive of `text`: line("health :8080 {\n lameduck 5s\n}"). */
export function line(text: string): Line {
  const all = lines(text);
  if (all.length !== 1) throw new Error(`want one directive, got ${all.length}: ${text}`);
  return all[0]!;
}
