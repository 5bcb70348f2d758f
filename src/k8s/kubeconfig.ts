// A kubeconfig file read as kubectl reads it (client-go's clientcmd), for one
// context: its cluster (server, CA, insecure-skip-tls-verify, tls-server-name) and
// its user (token, tokenFile, client certificate and key, username and password).
// Relative paths are relative to the file's directory. A user with an `exec` or
// `auth-provider` plugin, or a cluster behind a `proxy-url`, goes to client-node
// (src/k8s/credential-plugins.ts).

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { PluginCredentials } from './credential-plugins.js';
import { DirectCredentials, type Auth, type Credentials, type Material } from './credentials.js';
import { K8sConfigError } from './errors.js';

type Obj = Readonly<Record<string, unknown>>;

/** Raised inside this file; readKubeconfig prefixes the file name. */
class Invalid extends Error {}

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A string field, undefined when absent or empty; anything else is an error. */
function str(o: Obj, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new Invalid(`${where}: ${key} is not a string`);
  return v;
}

/** The `what` (cluster, user, context) of the entry called `name` in the list `list`. */
function entry(doc: Obj, list: string, what: string, name: string): Obj | undefined {
  const items = doc[list] ?? [];
  if (!Array.isArray(items)) throw new Invalid(`${list} is not a list`);
  const found = (items as unknown[]).find((e) => isObj(e) && e.name === name);
  if (found === undefined) return undefined;
  const body = (found as Obj)[what] ?? {};
  if (!isObj(body)) throw new Invalid(`${what} '${name}' is not a mapping`);
  return body;
}

/** Loads the context (CONTEXT, else current-context); throws K8sConfigError naming the file. */
export function readKubeconfig(file: string, context: string | undefined): Credentials {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new K8sConfigError(`kubeconfig ${file}: ${reason}`, { cause: err });
  }
  try {
    return fromText(text, dirname(file), context);
  } catch (err) {
    // Invalid is ours; anything else (the yaml library's limits, say) is said the same way.
    throw new K8sConfigError(`kubeconfig ${file}: ${(err as Error).message}`, { cause: err });
  }
}

function fromText(text: string, dir: string, context: string | undefined): Credentials {
  const parsed = parseDocument(text);
  const err = parsed.errors[0];
  // The yaml library's first line names the line and column.
  if (err) throw new Invalid(`YAML: ${err.message.split('\n')[0]!.replace(/:$/, '')}`);
  const doc: unknown = parsed.toJS();
  if (!isObj(doc)) throw new Invalid('not a kubeconfig (no mapping at the top)');

  const ctxName = context ?? str(doc, 'current-context', 'the file');
  if (ctxName === undefined) throw new Invalid('no current-context, and no CONTEXT given');
  const ctx = entry(doc, 'contexts', 'context', ctxName);
  if (!ctx) throw new Invalid(`no context '${ctxName}'`);
  const where = `context '${ctxName}'`;

  const clusterName = str(ctx, 'cluster', where);
  if (clusterName === undefined) throw new Invalid(`the current context '${ctxName}' names no cluster`);
  const cluster = entry(doc, 'clusters', 'cluster', clusterName);
  if (!cluster) throw new Invalid(`${where} names cluster '${clusterName}', which is not in the file`);
  const server = serverOf(cluster, `cluster '${clusterName}'`);

  const userName = str(ctx, 'user', where);
  // A context without a user sends no credentials (a `kubectl proxy`, say).
  const user = userName === undefined ? {} : entry(doc, 'users', 'user', userName);
  if (!user) throw new Invalid(`${where} names user '${userName}', which is not in the file`);

  if (user.exec !== undefined || user['auth-provider'] !== undefined || cluster['proxy-url'] !== undefined) {
    return new PluginCredentials(server, text, dir, ctxName);
  }
  const c = `cluster '${clusterName}'`;
  const u = `user '${userName}'`;
  const insecure = cluster['insecure-skip-tls-verify'] ?? false;
  if (typeof insecure !== 'boolean') throw new Invalid(`${c}: insecure-skip-tls-verify is not true or false`);
  return new DirectCredentials({
    server,
    auth: authOf(user, u, dir),
    ca: material(cluster, 'certificate-authority', c, dir),
    cert: material(user, 'client-certificate', u, dir),
    key: material(user, 'client-key', u, dir),
    insecure,
    serverName: str(cluster, 'tls-server-name', c),
    impersonate: str(user, 'as', u),
  });
}

function serverOf(cluster: Obj, where: string): string {
  const server = str(cluster, 'server', where);
  if (server === undefined) throw new Invalid(`${where} has no server`);
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Invalid(`${where}: server '${server}' is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Invalid(`${where}: server '${server}' is not http or https`);
  // Normalised ("HTTPS://Host" -> "https://host"): the scheme decides TLS further on.
  return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, '');
}

/** `NAME-data` (base64, inline) wins over the file `NAME`, as client-go says when both are set. */
function material(o: Obj, name: string, where: string, dir: string): Material | undefined {
  const data = str(o, `${name}-data`, where);
  if (data !== undefined) return { data: Buffer.from(data, 'base64') };
  const file = str(o, name, where);
  return file === undefined ? undefined : { file: resolve(dir, file) };
}

function authOf(user: Obj, where: string, dir: string): Auth {
  // client-go: the token file wins over an inline token and is read again every
  // minute. `token-file` is client-node's spelling, kept so that files it read still work.
  const tokenFile = str(user, 'tokenFile', where) ?? str(user, 'token-file', where);
  if (tokenFile !== undefined) return { kind: 'token-file', file: resolve(dir, tokenFile) };
  const token = str(user, 'token', where);
  if (token !== undefined) return { kind: 'token', token };
  const username = str(user, 'username', where);
  if (username !== undefined) return { kind: 'basic', username, password: str(user, 'password', where) ?? '' };
  return { kind: 'none' };
}
