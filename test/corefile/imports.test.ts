import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadCorefile, type ParseOptions } from '../../src/corefile/load.js';
import { expectCorefileError, KNOWN, summary, type BlockSummary } from './support.js';

describe('corefile imports', () => {
  let dir: string;
  let warnings: string[];
  let opts: ParseOptions;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kdns-corefile-'));
    warnings = [];
    opts = { knownDirectives: KNOWN, env: { UPSTREAM: '10.0.0.53' }, warn: (m) => warnings.push(m) };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `files` (path relative to the temp dir -> text) and loads the Corefile. */
  function load(files: Record<string, string>, main = 'Corefile'): BlockSummary[] {
    write(files);
    return summary(loadCorefile(join(dir, main), opts));
  }

  function write(files: Record<string, string>): void {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
  }

  const cases: { name: string; files: Record<string, string>; want: BlockSummary[] }[] = [
    {
      name: 'a file of directives imported in a block',
      files: { Corefile: '. {\n  import plugins.conf\n  whoami\n}', 'plugins.conf': 'errors\nlog\n' },
      want: [{ keys: ['.'], body: 'errors; log; whoami' }],
    },
    {
      name: 'a file of option lines imported in a directive block',
      files: { Corefile: '. {\n  health {\n    import health.conf\n  }\n}', 'health.conf': 'lameduck 5s' },
      want: [{ keys: ['.'], body: 'health { lameduck 5s }' }],
    },
    {
      name: 'a glob of server blocks at top level, in name order',
      files: { Corefile: 'import zones/*.conf\n. {\n  whoami\n}', 'zones/b.conf': 'b.org {\n  log\n}', 'zones/a.conf': 'a.org {\n  errors\n}', 'zones/c.txt': 'c.org {\n}' },
      want: [{ keys: ['a.org.'], body: 'errors' }, { keys: ['b.org.'], body: 'log' }, { keys: ['.'], body: 'whoami' }],
    },
    {
      name: 'a glob in a directory segment',
      files: { Corefile: 'import */zone.conf', 'a/zone.conf': 'a.org {\n}', 'b/zone.conf': 'b.org {\n}', 'b/other.conf': 'c.org {\n}' },
      want: [{ keys: ['a.org.'], body: '' }, { keys: ['b.org.'], body: '' }],
    },
    {
      name: 'glob ? and [...]',
      files: { Corefile: 'import z?.conf\nimport [xy].conf', 'z1.conf': 'a.org {\n}', 'z22.conf': 'b.org {\n}', 'x.conf': 'c.org {\n}', 'w.conf': 'd.org {\n}' },
      want: [{ keys: ['a.org.'], body: '' }, { keys: ['c.org.'], body: '' }],
    },
    {
      name: 'a glob that matches nothing',
      files: { Corefile: 'import conf.d/*.conf\n. {\n  whoami\n}' },
      want: [{ keys: ['.'], body: 'whoami' }],
    },
    {
      name: 'a path relative to the importing file, not the first one',
      files: { Corefile: '. {\n  import sub/a.conf\n}', 'sub/a.conf': 'import b.conf\nlog', 'sub/b.conf': 'errors', 'b.conf': 'whoami' },
      want: [{ keys: ['.'], body: 'errors; log' }],
    },
    {
      name: 'a snippet defined in an imported file',
      files: { Corefile: 'import snippets.conf\n. {\n  import common\n}', 'snippets.conf': '(common) {\n  errors\n  log\n}' },
      want: [{ keys: ['.'], body: 'errors; log' }],
    },
    {
      name: 'environment variables in an imported file',
      files: { Corefile: '. {\n  import fwd.conf\n}', 'fwd.conf': 'forward . {$UPSTREAM}' },
      want: [{ keys: ['.'], body: 'forward . 10.0.0.53' }],
    },
    {
      name: 'arguments to an imported file',
      files: { Corefile: 'import zone.conf a.org\nimport zone.conf b.org', 'zone.conf': '{args[0]} {\n  log\n}' },
      want: [{ keys: ['a.org.'], body: 'log' }, { keys: ['b.org.'], body: 'log' }],
    },
    {
      name: 'the same file imported twice (not a cycle)',
      files: { Corefile: 'a.org {\n  import common.conf\n}\nb.org {\n  import common.conf\n}', 'common.conf': 'log' },
      want: [{ keys: ['a.org.'], body: 'log' }, { keys: ['b.org.'], body: 'log' }],
    },
    {
      name: 'an empty file',
      files: { Corefile: '. {\n  import empty.conf\n  log\n}', 'empty.conf': '# nothing yet\n' },
      want: [{ keys: ['.'], body: 'log' }],
    },
    {
      name: 'a block without braces in the one file',
      files: { Corefile: 'import block.conf', 'block.conf': 'example.org\nwhoami' },
      want: [{ keys: ['example.org.'], body: 'whoami' }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => expect(load(c.files)).to.deep.equal(c.want));
  }

  it('warns about a glob that matches nothing', () => {
    load({ Corefile: 'import conf.d/*.conf' });
    expect(warnings).to.deep.equal(['No files matching import glob pattern: conf.d/*.conf']);
  });

  it('an absolute path', () => {
    write({ 'elsewhere/log.conf': 'log' });
    expect(load({ Corefile: `. {\n  import ${join(dir, 'elsewhere/log.conf')}\n}` })).to.deep.equal([{ keys: ['.'], body: 'log' }]);
  });

  it('a ConfigMap mount: symlinked files are read, ..data directories skipped', () => {
    write({ '..data/a.conf': 'a.org {\n}', '..data/b.conf': 'b.org {\n}', 'main/Corefile': 'import ../*' });
    symlinkSync('..data/a.conf', join(dir, 'a.conf'));
    symlinkSync('..data/b.conf', join(dir, 'b.conf'));
    expect(load({}, 'main/Corefile')).to.deep.equal([{ keys: ['a.org.'], body: '' }, { keys: ['b.org.'], body: '' }]);
  });

  it('imported tokens keep their own file and line', () => {
    write({ Corefile: '. {\n  import plugins.conf\n}', 'plugins.conf': '# header\nerrors\n\nlog' });
    const [block] = loadCorefile(join(dir, 'Corefile'), opts);
    expect(block!.directives.map((l) => l.tokens[0])).to.deep.equal([
      { text: 'errors', file: join(dir, 'plugins.conf'), line: 2 },
      { text: 'log', file: join(dir, 'plugins.conf'), line: 4 },
    ]);
  });

  it('an error in an imported file names that file and line', () => {
    write({ Corefile: '. {\n  import plugins.conf\n}', 'plugins.conf': 'errors\nfoo' });
    expectCorefileError(() => loadCorefile(join(dir, 'Corefile'), opts), 2, "Unknown directive 'foo'", join(dir, 'plugins.conf'));
  });

  const errors: { name: string; files: Record<string, string>; file: string; line: number; fragment: string }[] = [
    { name: 'a missing file', files: { Corefile: '. {\n  import missing.conf\n}' }, file: 'Corefile', line: 2, fragment: 'file to import not found: missing.conf' },
    { name: 'a directory', files: { Corefile: '. {\n  import sub\n}', 'sub/x': '' }, file: 'Corefile', line: 2, fragment: 'could not import sub: is a directory' },
    { name: 'a file importing itself', files: { Corefile: '. {\n  log\n  import Corefile\n}' }, file: 'Corefile', line: 3, fragment: 'import cycle' },
    { name: 'two files importing each other', files: { Corefile: 'import a.conf', 'a.conf': '\nimport b.conf', 'b.conf': 'import a.conf' }, file: 'b.conf', line: 1, fragment: 'import cycle' },
    { name: 'a file importing the first one', files: { Corefile: '. {\n  import a.conf\n}', 'a.conf': 'import Corefile' }, file: 'a.conf', line: 1, fragment: 'import cycle' },
    { name: 'a glob matching the importing file', files: { 'main.conf': 'import *.conf', 'other.conf': 'a.org {\n}' }, file: 'main.conf', line: 1, fragment: 'import cycle' },
    { name: 'a file and a snippet importing each other', files: { Corefile: '(s) {\n  import a.conf\n}\n. {\n  import s\n}', 'a.conf': 'import s' }, file: 'a.conf', line: 1, fragment: 'import cycle' },
    { name: 'an extra } in an imported file', files: { Corefile: '. {\n  import a.conf\n  log\n', 'a.conf': 'errors\n}' }, file: 'a.conf', line: 2, fragment: "Unexpected '}'" },
    { name: 'an unclosed block in an imported file', files: { Corefile: '. {\n  import a.conf\n}', 'a.conf': 'log\nhealth {\n  lameduck 5s\n' }, file: 'a.conf', line: 3, fragment: "unexpected EOF, expecting '}' to close the '{' at " },
  ];
  for (const c of errors) {
    it(`error: ${c.name}`, () => {
      write(c.files);
      const main = 'main.conf' in c.files ? 'main.conf' : 'Corefile';
      expectCorefileError(() => loadCorefile(join(dir, main), opts), c.line, c.fragment, join(dir, c.file));
    });
  }

  it('error: the cycle names the chain of files', () => {
    write({ Corefile: 'import a.conf', 'a.conf': 'import Corefile' });
    const err = expectCorefileError(() => loadCorefile(join(dir, 'Corefile'), opts), 1, 'import cycle');
    expect(err.message).to.include(`${join(dir, 'Corefile')} -> ${join(dir, 'a.conf')} -> ${join(dir, 'Corefile')}`);
  });

  it('error: a Corefile that cannot be read', () => {
    expectCorefileError(() => loadCorefile(join(dir, 'nope'), opts), 0, 'cannot read the Corefile', join(dir, 'nope'));
  });
});
