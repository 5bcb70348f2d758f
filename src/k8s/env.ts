// Settings read from the environment: where the service account's files are, and
// the timings of the list+watch loop (tests and unusual API servers tune them).

import { parseDuration } from '../corefile/directive.js';
import { K8sConfigError } from './errors.js';

/** Where kubelet mounts a pod's service account token and CA (client-go's rest.InClusterConfig). */
export const SERVICEACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface Timings {
  /**
   * The watchdog: a request that receives nothing (no event, no bookmark, no byte)
   * for this long is dropped and made again. The API server sends a bookmark to a
   * watcher about once a minute, so two missed bookmarks mean a stalled connection.
   */
  readonly idleTimeoutMs: number;
  /** First delay after a failure; doubled per failure up to backoffMaxMs (client-go: 800 ms .. 30 s). */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

export const DEFAULT_TIMINGS: Timings = { idleTimeoutMs: 120_000, backoffBaseMs: 500, backoffMaxMs: 30_000 };

const TIMING_VARS: readonly [keyof Timings, string][] = [
  ['idleTimeoutMs', 'KDNS_K8S_IDLE_TIMEOUT'],
  ['backoffBaseMs', 'KDNS_K8S_BACKOFF_BASE'],
  ['backoffMaxMs', 'KDNS_K8S_BACKOFF_MAX'],
];

/** DEFAULT_TIMINGS with the durations (`2s`, `100ms`) set in `env`; throws K8sConfigError on a bad one. */
export function timingsFromEnv(env: NodeJS.ProcessEnv = process.env): Timings {
  const t: Record<keyof Timings, number> = { ...DEFAULT_TIMINGS };
  for (const [field, name] of TIMING_VARS) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    const ms = parseDuration(text);
    if (ms === null || ms <= 0) throw new K8sConfigError(`${name}='${text}' is not a positive duration (e.g. 500ms, 2s)`);
    t[field] = ms;
  }
  if (t.backoffMaxMs < t.backoffBaseMs) t.backoffMaxMs = t.backoffBaseMs;
  return t;
}

/** The service account directory: KDNS_SERVICEACCOUNT_DIR, else kubelet's mount point. */
export function serviceAccountDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KDNS_SERVICEACCOUNT_DIR || SERVICEACCOUNT_DIR;
}
