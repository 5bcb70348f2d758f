import { expect } from 'chai';
import { expandEnv, lex } from '../../src/corefile/lexer.js';
import { expectCorefileError } from './support.js';

/** Tokens as "text@line", with "^" marking the first token of a line. */
function tokens(text: string): string[] {
  return lex(text, 'Corefile', []).map((t) => `${t.lineStart ? '^' : ''}${t.text}@${t.line}`);
}

describe('corefile lexer', () => {
  const cases: { name: string; text: string; want: string[] }[] = [
    { name: 'whitespace separates tokens', text: 'a b\tc   d', want: ['^a@1', 'b@1', 'c@1', 'd@1'] },
    { name: 'newlines count lines', text: 'a\n\n  b c\nd', want: ['^a@1', '^b@3', 'c@3', '^d@4'] },
    { name: 'a comment runs to the end of the line', text: 'a # b c\nd', want: ['^a@1', '^d@2'] },
    { name: 'a # inside a word starts a comment (Caddy v1)', text: 'a#b c\nd', want: ['^a@1', '^d@2'] },
    { name: 'a whole-line comment', text: '# x\n  # y\nz', want: ['^z@3'] },
    { name: 'a quoted string is one token', text: '"a b" c', want: ['^a b@1', 'c@1'] },
    { name: 'a # in quotes is text', text: '"a#b" c', want: ['^a#b@1', 'c@1'] },
    { name: 'a quoted string spans lines; its line is where it starts', text: 'x "a\nb" c\nd', want: ['^x@1', 'a\nb@1', 'c@2', '^d@3'] },
    { name: 'a token after a multi-line quote on its closing line does not start a line', text: '"a\nb"\nc', want: ['^a\nb@1', '^c@3'] },
    { name: '\\" escapes a quote', text: '"a\\"b"', want: ['^a"b@1'] },
    { name: 'other backslashes are kept as written', text: '"a\\nb\\\\" c', want: ['^a\\nb\\\\@1', 'c@1'] },
    { name: 'an empty quoted string is a token', text: 'a "" b', want: ['^a@1', '@1', 'b@1'] },
    { name: 'a quote inside a word is literal', text: 'a"b c', want: ['^a"b@1', 'c@1'] },
    { name: 'a closing quote ends the token', text: '"a"b', want: ['^a@1', 'b@1'] },
    { name: 'CRLF line endings', text: 'a\r\nb {\r\n  c\r\n}\r\n', want: ['^a@1', '^b@2', '{@2', '^c@3', '^}@4'] },
    { name: 'CRLF inside quotes becomes LF', text: '"a\r\nb" c', want: ['^a\nb@1', 'c@2'] },
    { name: 'a byte order mark is dropped', text: '\uFEFFa b', want: ['^a@1', 'b@1'] },
    { name: 'braces are tokens', text: 'a {\n}', want: ['^a@1', '{@1', '^}@2'] },
    { name: '{} is an empty block', text: 'health {}', want: ['^health@1', '{@1', '}@1'] },
    { name: 'a } glued to the last word is split off', text: 'lameduck 5s}', want: ['^lameduck@1', '5s@1', '}@1'] },
    { name: 'several glued } are split off', text: 'ttl 30}}', want: ['^ttl@1', '30@1', '}@1', '}@1'] },
    { name: 'a } closing a { in the same word stays', text: 'log {combined}', want: ['^log@1', '{combined}@1'] },
    { name: 'only the unmatched } is split off', text: '{a}}', want: ['^{a}@1', '}@1'] },
    { name: 'a } in the middle of a word stays', text: 'a}b', want: ['^a}b@1'] },
    { name: 'a glued { stays part of the word, as in Caddy', text: 'health{', want: ['^health{@1'] },
    { name: 'a quoted } is not split', text: '"5s}"', want: ['^5s}@1'] },
  ];
  for (const c of cases) {
    it(c.name, () => expect(tokens(c.text)).to.deep.equal(c.want));
  }

  it('a quoted brace is marked quoted', () => {
    expect(lex('"{" {', 'F', []).map((t) => t.quoted)).to.deep.equal([true, false]);
  });

  const errors: { name: string; text: string; line: number; fragment: string }[] = [
    { name: 'EOF inside a quote', text: 'a\n"b\nc', line: 2, fragment: 'unexpected EOF inside a quoted string' },
    { name: 'EOF after a backslash in a quote', text: '"a\\', line: 1, fragment: 'unexpected EOF inside a quoted string' },
  ];
  for (const c of errors) {
    it(`error: ${c.name}`, () => expectCorefileError(() => lex(c.text, 'Corefile', []), c.line, c.fragment, 'Corefile'));
  }
});

describe('corefile environment substitution', () => {
  const env = { A: 'x', B: 'y z', NL: 'one\ntwo', CRLF: 'one\r\ntwo' };
  const cases: { text: string; want: string }[] = [
    { text: '{$A}', want: 'x' },
    { text: '{%A%}', want: 'x' },
    { text: 'pre{$A}post {%B%}', want: 'prexpost y z' },
    { text: '{$A}{$A}', want: 'xx' },
    { text: 'a {$MISSING} b', want: 'a  b' },
    { text: '{%MISSING%}', want: '' },
    { text: '"{$B}"', want: '"y z"' },
    { text: '{$NL} {$CRLF}', want: 'one two one two' },
    { text: '{$} {%%} {$A B}', want: '{$} {%%} {$A B}' },
    { text: '{$A\n}', want: '{$A\n}' },
    { text: '{remote} {args[0]}', want: '{remote} {args[0]}' },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.text), () => expect(expandEnv(c.text, env)).to.equal(c.want));
  }
});
