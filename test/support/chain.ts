// Stand-ins for the rest of a chain, for handler-level plugin tests.

import { Response } from '../../src/dns/message.js';
import type { Ctx, Next } from '../../src/plugins/plugin.js';

export const testCtx: Ctx = {
  zone: '.',
  server: 'dns://:53',
  resolve: () => Promise.reject(new Error('resolve is not used in this test')),
};

/** A `next` that answers `resp` (a fresh NOERROR by default). */
export function answering(resp: Response = new Response()): Next {
  return () => Promise.resolve(resp);
}

/** A `next` that fails with `err`. */
export function failing(err: unknown): Next {
  return () => Promise.reject(err);
}
