// Which objects a list or watch request selects: its namespace (from the path),
// `labelSelector` (Kubernetes syntax, parsed by kdns's own selector parser) and
// `fieldSelector` (`a.b=v`, `a.b==v`, `a.b!=v`, joined by commas).

import { parseSelector } from '../../../src/plugins/kubernetes/selector.js';
import type { Obj } from './state.js';

export type Selection = (o: Obj) => boolean;

function field(o: Obj, path: string): string {
  let v: unknown = o;
  for (const part of path.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[part] : undefined;
  return v === undefined || v === null ? '' : String(v);
}

/** Throws (the server answers 400) on a selector that does not parse. */
export function selection(namespace: string | undefined, labelSelector: string | null, fieldSelector: string | null): Selection {
  const labels = labelSelector ? parseSelector(labelSelector) : undefined;
  const fields = (fieldSelector ? fieldSelector.split(',') : []).map((req) => {
    const m = /^([\w.]+)\s*(!=|==|=)\s*(.*)$/.exec(req.trim());
    if (!m) throw new Error(`invalid field selector '${req}'`);
    return { path: m[1]!, equal: m[2] !== '!=', value: m[3]! };
  });
  return (o) => {
    if (namespace !== undefined && o.metadata.namespace !== namespace) return false;
    if (labels && !labels.matches((o.metadata.labels ?? {}) as Record<string, string>)) return false;
    return fields.every((f) => (field(o, f.path) === f.value) === f.equal);
  };
}
