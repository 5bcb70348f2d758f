// Assertions for plugin setup tests.

import { expect } from 'chai';
import { PluginSetupError } from '../../src/errors.js';

/** `fn` must throw a PluginSetupError at `line` whose message contains `fragment`. */
export function expectSetupError(fn: () => unknown, line: number, fragment: string): void {
  let err: unknown;
  try { fn(); } catch (e) { err = e; }
  expect(err, 'setup did not fail').to.be.instanceOf(PluginSetupError);
  const e = err as PluginSetupError;
  expect(e.code).to.equal('KDNS_ERR_PLUGIN_SETUP');
  expect(e.line, e.message).to.equal(line);
  expect(e.message).to.contain(fragment);
}
