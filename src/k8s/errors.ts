// Errors of the Kubernetes API client, with stable codes (src/errors.ts).

import { KdnsError } from '../errors.js';

/** The API connection cannot be set up: no in-cluster environment, an unreadable kubeconfig, an unknown context. */
export class K8sConfigError extends KdnsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KDNS_ERR_K8S_CONFIG', message, options);
  }
}

/**
 * A request to the API failed. `status` is the HTTP status (or the `code` of an
 * ERROR watch event's Status), undefined when no answer came; `reason` is the
 * Status reason (`Expired`, `Forbidden`, ...) or kdns's own (`Stalled`, `Truncated`).
 */
export class ApiError extends KdnsError {
  constructor(readonly status: number | undefined, readonly reason: string, message: string, options?: { cause?: unknown }) {
    super('KDNS_ERR_K8S_API', message, options);
  }

  /** 410 Gone: the resourceVersion is older than the server's history; only a new list helps. */
  get gone(): boolean {
    return this.status === 410;
  }
}
