// Parsing a fixture file (SPEC §2): `kubectl get namespaces,services,endpointslices,pods -A -o yaml`
// output, i.e. a v1 List, or several YAML documents each an object or a List. A file
// that starts with `{` or `[` is JSON (`-o json`, generated fixtures): it is read item
// by item, as such files are the large ones.

import { parseAllDocuments } from 'yaml';
import { KdnsError } from '../../errors.js';
import { toSlim } from './convert.js';
import { JsonListError, parseJsonList } from './json-list.js';
import type { SlimByKind } from './store.js';

/** A fixture file that cannot be read or used; the message names the file and the reason. */
export class FixtureError extends KdnsError {
  constructor(readonly file: string, readonly reason: string, options?: { cause?: unknown }) {
    super('KDNS_ERR_FIXTURE', `fixture ${file}: ${reason}`, options);
  }
}

export interface ParsedFixture {
  readonly objects: { [K in keyof SlimByKind]: SlimByKind[K][] };
  /** Why each unused item was skipped. */
  readonly skipped: string[];
}

export interface FixtureOptions {
  /**
   * Keep pods (default true). Only `pods verified` reads them, and CoreDNS watches pods
   * only in that mode: without them 50,000 pods cost no memory.
   */
  readonly pods?: boolean;
}

/** Parses a fixture into slim objects by kind; throws FixtureError for a file that is not a fixture. */
export function parseFixture(content: Buffer | string, file: string, options: FixtureOptions = {}): ParsedFixture {
  const keepPods = options.pods ?? true;
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  const out: ParsedFixture = { objects: { Namespace: [], Service: [], EndpointSlice: [], Pod: [] }, skipped: [] };
  const add = (item: unknown): void => {
    const r = toSlim(item);
    if ('skip' in r) { out.skipped.push(r.skip); return; }
    switch (r.kind) {
      case 'Namespace': out.objects.Namespace.push(r.object); break;
      case 'Service': out.objects.Service.push(r.object); break;
      case 'EndpointSlice': out.objects.EndpointSlice.push(r.object); break;
      case 'Pod': if (keepPods) out.objects.Pod.push(r.object); break;
    }
  };
  const first = data.findIndex((c) => c > 0x20 && c !== 0xef && c !== 0xbb && c !== 0xbf);
  // An empty file is what `kubectl get ... > FILE` leaves for a moment: never "no objects".
  if (first < 0) throw new FixtureError(file, 'the file is empty');
  let docs: unknown[];
  if (data[first] === 0x7b || data[first] === 0x5b) {
    try {
      docs = [parseJsonList(data, add)];
    } catch (err) {
      if (err instanceof JsonListError) throw new FixtureError(file, err.message, { cause: err });
      throw err;
    }
  } else docs = yamlDocuments(data.toString('utf8'), file);
  docs.forEach((doc, i) => documentItems(doc, docs.length > 1 ? `document ${i + 1}` : 'the file', file, add));
  return out;
}

/** Passes the objects of one document to `add`. */
function documentItems(doc: unknown, where: string, file: string, add: (item: unknown) => void): void {
  if (doc === null || doc === undefined) return; // an empty document ("---" at the end)
  const o = typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
  // kubectl prints `kind: List` after `items`, so a cut-off List has no kind and is refused here.
  if (!o || typeof o.kind !== 'string') throw new FixtureError(file, `${where} is not a List or an object with a kind`);
  const isList = o.kind.endsWith('List');
  if (isList !== Array.isArray(o.items)) {
    throw new FixtureError(file, isList ? `${where} is a ${o.kind} without items` : `${where} has items but is a ${o.kind}`);
  }
  if (isList) for (const item of o.items as unknown[]) add(item);
  else add(o);
}

function yamlDocuments(text: string, file: string): unknown[] {
  return parseAllDocuments(text).map((doc) => {
    const err = doc.errors[0];
    // The first line of yaml's message reads "<problem> at line L, column C:".
    if (err) throw new FixtureError(file, `YAML: ${err.message.split('\n')[0]!.replace(/:$/, '')}`, { cause: err });
    return doc.toJS({ maxAliasCount: 100 });
  });
}
