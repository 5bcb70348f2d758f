// Helpers shared by the Corefile tests: blocks summarised as strings, and one error assertion.

import { expect } from 'chai';
import { keyLabel } from '../../src/corefile/keys.js';
import type { Line, ServerBlock } from '../../src/corefile/types.js';
import { CorefileError } from '../../src/errors.js';
import { PLUGIN_ORDER } from '../../src/plugins/order.js';

export const KNOWN: ReadonlySet<string> = new Set(PLUGIN_ORDER);

/** A token as written back: quoted when it holds a space, a ';' or nothing, or is a bare brace. */
function tokenText(text: string): string {
  return /\s|;|^$|^[{}]$/.test(text) ? JSON.stringify(text) : text;
}

/** Lines as one string: "health { lameduck 5s }; ready". */
export function render(lines: readonly Line[]): string {
  return lines
    .map((l) => l.tokens.map((t) => tokenText(t.text)).join(' ') + (l.block === null ? '' : l.block.length === 0 ? ' { }' : ` { ${render(l.block)} }`))
    .join('; ');
}

export interface BlockSummary {
  keys: string[];
  body: string;
}

export function summary(blocks: readonly ServerBlock[]): BlockSummary[] {
  return blocks.map((b) => ({ keys: b.keys.map(keyLabel), body: render(b.directives) }));
}

/** Asserts that `fn` throws a CorefileError at `line` whose message includes `fragment`. */
export function expectCorefileError(fn: () => unknown, line: number, fragment: string, file?: string): CorefileError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a CorefileError').to.be.instanceOf(CorefileError);
  const e = err as CorefileError;
  expect(e.code).to.equal('KDNS_ERR_COREFILE');
  expect(e.message).to.include(fragment);
  expect(e.line, e.message).to.equal(line);
  if (file !== undefined) expect(e.file, e.message).to.equal(file);
  return e;
}
