// A full garbage collection on demand, for the moment kdns knows it has just dropped
// a lot: the cluster state load at start (a 25 MB fixture, the API's first lists).
// V8 returns that memory to the OS only after some seconds idle (its memory reducer);
// collecting at once makes the RSS at ready the steady one (at 5,000 services / 50,000
// pods: 77 MB instead of 105 MB). Enabled here rather than by a node flag, so that it
// holds however kdns is started (bin, npm start, image, tests).

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
// A context made after the flag has the gc function.
const gc = runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
}
