import { expect } from 'chai';
import { parseCorefile } from '../../src/corefile/load.js';
import type { ServerBlock } from '../../src/corefile/types.js';
import { expectCorefileError, KNOWN, summary, type BlockSummary } from './support.js';

const ENV = { ZONE: 'example.org', PORT: '1053', UPSTREAM: '10.0.0.1 10.0.0.2', NL: 'a\nb' };

function parse(text: string): ServerBlock[] {
  return parseCorefile(text, 'Corefile', { knownDirectives: KNOWN, env: ENV });
}

// SPEC §6: what kubeadm and kind install.
const KUBEADM = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
`;

describe('corefile parser', () => {
  const cases: { name: string; text: string; want: BlockSummary[] }[] = [
    {
      name: 'the kubeadm Corefile',
      text: KUBEADM,
      want: [{
        keys: ['.:53'],
        body: 'errors; health { lameduck 5s }; ready; kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; '
          + 'fallthrough in-addr.arpa ip6.arpa; ttl 30 }; prometheus :9153; forward . /etc/resolv.conf { max_concurrent 1000 }; '
          + 'cache 30 { disable success cluster.local; disable denial cluster.local }; loop; reload; loadbalance',
      }],
    },
    { name: 'an empty file', text: '', want: [] },
    { name: 'only comments', text: '# nothing\n   # here\n', want: [] },
    { name: 'keys separated by spaces and commas', text: 'a.org b.org,C.org , d.org {\n whoami\n}', want: [{ keys: ['a.org.', 'b.org.', 'c.org.', 'd.org.'], body: 'whoami' }] },
    { name: 'a trailing comma continues the keys on the next line', text: 'a.org,\n  b.org:1053,\n  10.0.0.0/24 {\n whoami\n}', want: [{ keys: ['a.org.', 'b.org.:1053', '0.0.10.in-addr.arpa.'], body: 'whoami' }] },
    { name: 'a CIDR key off a boundary gives several zones', text: '10.0.0.0/23 {\n whoami\n}', want: [{ keys: ['0.0.10.in-addr.arpa.', '1.0.10.in-addr.arpa.'], body: 'whoami' }] },
    { name: 'dns:// and an IPv6 CIDR key', text: 'dns://example.org:1053 fd00::/64 {\n whoami\n}', want: [{ keys: ['example.org.:1053', '0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.'], body: 'whoami' }] },
    { name: 'the same zone on another port', text: 'a.org {\n}\na.org:1053 {\n}\na.org:53 {\n}', want: [{ keys: ['a.org.'], body: '' }, { keys: ['a.org.:1053'], body: '' }, { keys: ['a.org.:53'], body: '' }] },
    { name: 'the opening brace on the next line', text: 'example.org\n{\n whoami\n}', want: [{ keys: ['example.org.'], body: 'whoami' }] },
    { name: 'one block without braces', text: 'example.org:1053\nwhoami\nlog', want: [{ keys: ['example.org.:1053'], body: 'whoami; log' }] },
    { name: 'only keys', text: 'example.org', want: [{ keys: ['example.org.'], body: '' }] },
    {
      name: 'several blocks',
      text: 'a.org {\n whoami\n}\n\nb.org {\n log\n errors\n}\n',
      want: [{ keys: ['a.org.'], body: 'whoami' }, { keys: ['b.org.'], body: 'log; errors' }],
    },
    { name: 'blocks on one line', text: 'a.org { whoami } b.org { log }', want: [{ keys: ['a.org.'], body: 'whoami' }, { keys: ['b.org.'], body: 'log' }] },
    { name: 'a block opened and closed on one line', text: '. {\n health { lameduck 5s }\n ready\n}', want: [{ keys: ['.'], body: 'health { lameduck 5s }; ready' }] },
    { name: 'options after the { on its line', text: '. {\n health { lameduck 5s\n }\n}', want: [{ keys: ['.'], body: 'health { lameduck 5s }' }] },
    { name: 'an empty block', text: '. {\n health {}\n ready {\n }\n}', want: [{ keys: ['.'], body: 'health { }; ready { }' }] },
    { name: 'a } glued to a word', text: '. {\n health {\n lameduck 5s}\n}', want: [{ keys: ['.'], body: 'health { lameduck 5s }' }] },
    { name: 'two } on one line', text: '. { kubernetes cluster.local { pods insecure } }', want: [{ keys: ['.'], body: 'kubernetes cluster.local { pods insecure }' }] },
    {
      name: 'nested blocks',
      text: '. {\n forward . 10.0.0.1 {\n  policy sequential\n  a {\n   b c\n   d {\n   }\n  }\n  e\n }\n whoami\n}',
      want: [{ keys: ['.'], body: 'forward . 10.0.0.1 { policy sequential; a { b c; d { } }; e }; whoami' }],
    },
    { name: 'option names inside blocks are not checked', text: '. {\n health {\n  no_such_option 1\n }\n}', want: [{ keys: ['.'], body: 'health { no_such_option 1 }' }] },
    { name: 'quoted arguments', text: '. {\n log . "{remote} {type}" {combined}\n}', want: [{ keys: ['.'], body: 'log . "{remote} {type}" {combined}' }] },
    { name: 'a quoted brace is an argument', text: '. {\n log "{" "}"\n}', want: [{ keys: ['.'], body: 'log "{" "}"' }] },
    { name: 'a quoted string spanning lines stays in its directive', text: '. {\n log . "a\nb" c\n errors\n}', want: [{ keys: ['.'], body: 'log . "a\\nb" c; errors' }] },
    { name: 'comments', text: '. { # the root\n whoami # answers\n # log\n}', want: [{ keys: ['.'], body: 'whoami' }] },
    { name: 'CRLF line endings', text: '.:53 {\r\n  errors\r\n  health {\r\n    lameduck 5s\r\n  }\r\n}\r\n', want: [{ keys: ['.:53'], body: 'errors; health { lameduck 5s }' }] },
    { name: 'environment variables', text: '{$ZONE}:{%PORT%} {\n forward . {$UPSTREAM}\n log {$MISSING}\n}', want: [{ keys: ['example.org.:1053'], body: 'forward . 10.0.0.1 10.0.0.2; log' }] },
    { name: 'a directive from the environment', text: '. {\n {$DIRECTIVE}\n}', want: [{ keys: ['.'], body: '' }] },
    // Snippets.
    { name: 'a snippet imported in a block', text: '(common) {\n errors\n log\n}\n. {\n import common\n whoami\n}', want: [{ keys: ['.'], body: 'errors; log; whoami' }] },
    { name: 'a one-line snippet, imported on one line', text: '(s) { log }\n. { import s }', want: [{ keys: ['.'], body: 'log' }] },
    { name: 'a snippet used by two blocks', text: '(s) {\n log\n}\na.org {\n import s\n}\nb.org {\n import s\n errors\n}', want: [{ keys: ['a.org.'], body: 'log' }, { keys: ['b.org.'], body: 'log; errors' }] },
    { name: 'a snippet of option lines', text: '(opts) {\n pods insecure\n ttl 30\n}\n. {\n kubernetes cluster.local {\n  import opts\n  fallthrough\n }\n}', want: [{ keys: ['.'], body: 'kubernetes cluster.local { pods insecure; ttl 30; fallthrough }' }] },
    { name: 'a snippet with a block', text: '(h) {\n health {\n  lameduck 5s\n }\n}\n. {\n import h\n}', want: [{ keys: ['.'], body: 'health { lameduck 5s }' }] },
    { name: 'a snippet of server blocks, imported at top level', text: '(zones) {\n a.org {\n  whoami\n }\n b.org {\n  log\n }\n}\nimport zones\nc.org {\n}', want: [{ keys: ['a.org.'], body: 'whoami' }, { keys: ['b.org.'], body: 'log' }, { keys: ['c.org.'], body: '' }] },
    { name: 'a snippet importing another snippet', text: '(a) {\n log\n}\n(b) {\n import a\n errors\n}\n. {\n import b\n}', want: [{ keys: ['.'], body: 'log; errors' }] },
    { name: 'snippet arguments', text: '(fwd) {\n forward {args[0]} {args[1]}\n log {args[:]}\n template "{args[0]}-x"\n}\n. {\n import fwd . 10.0.0.1\n}', want: [{ keys: ['.'], body: 'forward . 10.0.0.1; log . 10.0.0.1; template .-x' }] },
    { name: 'a quoted snippet argument', text: '(s) {\n log {args[0]}\n}\n. {\n import s "a b"\n}', want: [{ keys: ['.'], body: 'log "a b"' }] },
    { name: '{args[:]} with no arguments', text: '(s) {\n log {args[:]}\n}\n. {\n import s\n}', want: [{ keys: ['.'], body: 'log' }] },
    { name: '{args[:]} with no arguments at the start of a line', text: '(s) {\n {args[:]} log\n errors\n}\n. {\n import s\n}', want: [{ keys: ['.'], body: 'log; errors' }] },
    { name: 'keys continued from a snippet', text: '(more) {\n b.org c.org\n}\na.org,\nimport more\n{\n whoami\n}', want: [{ keys: ['a.org.', 'b.org.', 'c.org.'], body: 'whoami' }] },
    { name: 'arguments passed on to a nested import', text: '(a) {\n log {args[0]}\n}\n(b) {\n import a {args[0]}\n}\n. {\n import b x\n}', want: [{ keys: ['.'], body: 'log x' }] },
    { name: 'a snippet used without braces around the block', text: '(s) {\n log\n}\nexample.org\nimport s\nwhoami', want: [{ keys: ['example.org.'], body: 'log; whoami' }] },
  ];
  for (const c of cases) {
    it(c.name, () => expect(summary(parse(c.text))).to.deep.equal(c.want));
  }

  it('tokens keep their file and line', () => {
    const [block] = parse('# zone\nexample.org:1053 {\n  health {\n    lameduck\n      5s\n  }\n}');
    expect(block!.token).to.deep.equal({ text: 'example.org:1053', file: 'Corefile', line: 2 });
    expect(block!.keys[0]!.token).to.deep.equal({ text: 'example.org:1053', file: 'Corefile', line: 2 });
    const health = block!.directives[0]!;
    expect(health.tokens).to.deep.equal([{ text: 'health', file: 'Corefile', line: 3 }]);
    // `5s` is on a line of its own, so it is an option line of its own.
    expect(health.block!.map((l) => l.tokens.map((t) => `${t.text}@${t.line}`))).to.deep.equal([['lameduck@4'], ['5s@5']]);
  });

  it('snippet tokens keep the line they were written on', () => {
    const [block] = parse('(s) {\n  log\n}\n. {\n  import s\n  errors\n}');
    expect(block!.directives.map((l) => `${l.tokens[0]!.text}@${l.tokens[0]!.line}`)).to.deep.equal(['log@2', 'errors@6']);
  });

  it('a key split at a comma keeps its line', () => {
    const [block] = parse('a.org,\nb.org,c.org {\n}');
    expect(block!.keys.map((k) => `${k.token.text}@${k.token.line}`)).to.deep.equal(['a.org@1', 'b.org@2', 'c.org@2']);
  });

  it('an environment value with a newline does not shift later lines', () => {
    const [block] = parse('. {\n log {$NL}\n errors\n}');
    expect(block!.directives.map((l) => `${l.tokens.map((t) => t.text).join(' ')}@${l.tokens[0]!.line}`)).to.deep.equal(['log a b@2', 'errors@3']);
  });

  it('reads process.env by default', () => {
    process.env.KDNS_COREFILE_TEST_ZONE = 'from-env.org';
    try {
      const blocks = parseCorefile('{$KDNS_COREFILE_TEST_ZONE} {\n}', 'Corefile', { knownDirectives: KNOWN });
      expect(blocks[0]!.keys[0]!.zone).to.equal('from-env.org.');
    } finally {
      delete process.env.KDNS_COREFILE_TEST_ZONE;
    }
  });

  const errors: { name: string; text: string; line: number; fragment: string }[] = [
    { name: 'a } with no block', text: '. {\n}\n}', line: 3, fragment: "Unexpected '}' because no matching opening brace" },
    { name: 'a } first', text: '}', line: 1, fragment: "Unexpected '}'" },
    { name: 'a } after keys', text: 'a.org }', line: 1, fragment: "Unexpected '}'" },
    { name: 'a } in a block without braces', text: 'a.org\nwhoami\n}', line: 3, fragment: "Unexpected '}' because no matching opening brace" },
    { name: 'a { with nothing before it', text: '\n{\n whoami\n}', line: 2, fragment: "Unexpected '{'" },
    { name: 'a { on the line after a directive', text: '. {\n health\n {\n  lameduck 5s\n }\n}', line: 3, fragment: "Unexpected '{'" },
    { name: 'EOF inside a server block', text: '. {\n whoami\n', line: 2, fragment: "unexpected EOF, expecting '}' to close the '{' at Corefile:1" },
    { name: 'EOF inside a directive block', text: '. {\n health {\n  lameduck 5s\n\n', line: 3, fragment: "unexpected EOF, expecting '}' to close the '{' at Corefile:2" },
    { name: 'EOF inside a server block whose inner block took its }', text: '. {\n health {\n  lameduck 5s\n ready\n}', line: 5, fragment: "to close the '{' at Corefile:1" },
    { name: 'EOF inside a quote', text: '. {\n log "abc\n}\n', line: 2, fragment: 'unexpected EOF inside a quoted string' },
    { name: 'an unknown directive', text: '. {\n whoami\n foo bar\n}', line: 3, fragment: "Unknown directive 'foo'" },
    { name: 'a { glued to a directive', text: '. {\n health{\n }\n}', line: 2, fragment: "Unknown directive 'health{' (put a space before '{': 'health {')" },
    { name: 'a quoted import is a directive name', text: '. {\n "import" x\n}', line: 2, fragment: "Unknown directive 'import'" },
    { name: 'a word after a closing } on its line', text: '. {\n health { lameduck 5s } ready\n}', line: 2, fragment: "Unexpected 'ready' after '}'" },
    { name: 'the same zone twice', text: 'a.org {\n}\n\nA.ORG. {\n}', line: 4, fragment: "duplicate zone 'a.org.'" },
    { name: 'the same zone and port twice', text: 'a.org:53 {\n}\na.org:53 {\n}', line: 3, fragment: "duplicate zone 'a.org.:53'" },
    { name: 'the same zone twice in one block', text: 'a.org b.org,\n a.org {\n}', line: 2, fragment: "duplicate zone 'a.org.'" },
    { name: 'the root twice', text: '. {\n}\n. {\n}', line: 3, fragment: "duplicate zone '.'" },
    { name: 'overlapping CIDR keys', text: '10.0.0.0/23 {\n}\n10.0.1.0/24 {\n}', line: 3, fragment: "duplicate zone '1.0.10.in-addr.arpa.'" },
    { name: 'a bad key', text: 'a.org,\n b.org:99999 {\n}', line: 2, fragment: "invalid port '99999'" },
    { name: 'an unsupported scheme', text: 'tls://.:853 {\n}', line: 1, fragment: 'scheme not supported by kdns' },
    { name: 'a trailing comma before {', text: 'a.org,\n{\n}', line: 2, fragment: "expected another key after ',' but got '{'" },
    { name: 'a trailing comma at EOF', text: 'a.org,', line: 1, fragment: "unexpected EOF, expecting another key after ','" },
    { name: 'an empty key', text: '"" {\n}', line: 1, fragment: 'expected a server block key' },
    { name: 'a block without braces after another block', text: 'a.org {\n}\nb.org\nwhoami', line: 3, fragment: 'braces may be left out only when the file has one server block' },
    { name: 'a second block after a block without braces', text: 'a.org\nwhoami\nb.org {\n}', line: 3, fragment: "Unknown directive 'b.org'" },
    { name: 'a snippet declared twice', text: '(s) {\n log\n}\n(s) {\n}', line: 4, fragment: "redeclaration of previously declared snippet 's'" },
    { name: 'a snippet without a body', text: '(s)\n. {\n}', line: 1, fragment: "snippet '(s)' needs a body in braces" },
    { name: 'a snippet without a name', text: '() {\n}', line: 1, fragment: 'a snippet needs a name' },
    { name: 'a snippet with other keys', text: '(s) a.org {\n}', line: 1, fragment: "snippet '(s)' must be the only key" },
    { name: 'EOF inside a snippet', text: '(s) {\n log {\n }\n', line: 3, fragment: "unexpected EOF, expecting '}' to close snippet '(s)' at Corefile:1" },
    { name: 'import without a name', text: '. {\n import\n}', line: 2, fragment: 'import needs a snippet name or a file path' },
    { name: 'import of an empty name', text: '. {\n import ""\n}', line: 2, fragment: 'import needs a non-empty' },
    { name: 'import with a block', text: '(s) {\n log\n}\n. {\n import s {\n }\n}', line: 5, fragment: 'import takes no block' },
    { name: 'a snippet used before it is defined', text: '. {\n import later\n}\n(later) {\n}', line: 2, fragment: 'file to import not found: later' },
    { name: 'a snippet importing itself', text: '(a) {\n log\n import a\n}\n. {\n import a\n}', line: 3, fragment: 'import cycle' },
    { name: 'snippets importing each other', text: '(a) {\n import b\n}\n(b) {\n import a\n}\n. {\n import a\n}', line: 5, fragment: '-> (a) -> (b) -> (a)' },
    { name: 'a snippet argument out of range', text: '(s) {\n log {args[1]}\n}\n. {\n import s x\n}', line: 5, fragment: 'Corefile:2 uses {args[1]} but import gave 1 argument(s)' },
  ];
  for (const c of errors) {
    it(`error: ${c.name}`, () => expectCorefileError(() => parse(c.text), c.line, c.fragment, 'Corefile'));
  }

  it('error: snippets expanding a thousand-fold', () => {
    // s11 imports s10 twice, ... : 2^12 import lines, far more than the cap.
    const defs = Array.from({ length: 11 }, (_, i) => `(s${i + 1}) {\n import s${i}\n import s${i}\n}\n`).join('');
    const text = `(s0) {\n whoami\n}\n${defs}. {\n import s11\n}`;
    expect(() => parse(text)).to.throw(/Error during parsing: more than 1000 imports/).with.property('code', 'KDNS_ERR_COREFILE');
  });
});
