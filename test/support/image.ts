// The kdns image without Docker: deploy/Dockerfile's runtime stage replayed into a
// temporary directory that stands for the image's `/`, and the command line that runs
// its ENTRYPOINT as the pod does (user, capabilities, read-only root filesystem).

import { execFileSync } from 'node:child_process';
import {
  chmodSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync,
  readlinkSync, rmSync, symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyOf, execForm, inContext, parseDockerfile, type Stage } from './dockerfile.js';
import { removeStaleDirs } from './leftovers.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const DOCKERFILE = join(REPO, 'deploy', 'Dockerfile');
/** Where the node images keep node, which ENTRYPOINT's "node" finds on PATH. */
export const IMAGE_NODE = '/usr/local/bin/node';

export interface ImageRoot {
  /** The host directory standing for the image's `/`. */
  readonly root: string;
  readonly uid: number;
  readonly gid: number;
  /** ENTRYPOINT with image paths turned into host paths under `root`. */
  readonly argv: string[];
  /** The final WORKDIR, as a host path. */
  readonly cwd: string;
  /** An image path -> the host path under `root`. */
  path(imagePath: string): string;
  remove(): void;
}

/** Hard links where the file system allows (fast, nothing copied), else copies. */
function linkTree(src: string, dest: string, skip: (name: string) => boolean = () => false): void {
  const st = lstatSync(src);
  if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(src), dest);
  } else if (st.isDirectory()) {
    mkdirSync(dest, { recursive: true, mode: 0o755 });
    for (const name of readdirSync(src)) if (!skip(name)) linkTree(join(src, name), join(dest, name));
  } else {
    try {
      linkSync(src, dest);
    } catch {
      copyFileSync(src, dest);
    }
  }
}

/** What `npm ci --omit=dev` installs: the lock file's packages that are not dev-only. */
function installProductionModules(dest: string): void {
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean }>;
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.dev) continue;
    const src = join(REPO, key);
    if (!existsSync(src)) {
      // Optional packages for other platforms are not installed (npm skips them too).
      if (entry.optional) continue;
      throw new Error(`${key} is a production dependency in package-lock.json but is not installed: run npm ci`);
    }
    // Nested node_modules hold other lock entries, installed (or omitted) on their own.
    linkTree(src, join(dest, key.slice('node_modules/'.length)), (name) => name === 'node_modules');
  }
}

/**
 * Where a path of an earlier stage comes from: the stage that ran `npm ci --omit=dev`
 * holds the production modules in WORKDIR/node_modules; any other stage's WORKDIR is
 * this checkout after `npm ci` and `tsc` (so dist/ must be built).
 */
function stageSource(stage: Stage, path: string, scratch: string): string {
  const workdir = stage.instructions.filter((i) => i.keyword === 'WORKDIR').pop()?.args ?? '/';
  const rel = posix.relative(workdir, path.replace(/\/+$/, ''));
  if (rel.startsWith('..')) throw new Error(`stage ${stage.name}: ${path} is outside its WORKDIR ${workdir}`);
  const omitsDev = stage.instructions.some((i) => i.keyword === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(i.args));
  if (omitsDev) {
    if (rel !== 'node_modules') throw new Error(`stage ${stage.name}: only node_modules is known, not ${path}`);
    const modules = join(scratch, `${stage.name}-node_modules`);
    if (!existsSync(modules)) installProductionModules(modules);
    return modules;
  }
  const src = join(REPO, rel);
  if (!existsSync(src)) throw new Error(`stage ${stage.name}: ${path} (${src}) does not exist: build first`);
  return src;
}

/** Replays the final stage of deploy/Dockerfile into a new temporary directory. */
export function buildImageRoot(): ImageRoot {
  const stages = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
  const final = stages[stages.length - 1]!;
  const dockerignore = readFileSync(join(REPO, '.dockerignore'), 'utf8');
  removeStaleDirs(tmpdir(), 'kdns-image-');
  const base = mkdtempSync(join(tmpdir(), `kdns-image-${process.pid}-`));
  const root = join(base, 'root');
  const scratch = join(base, 'stages');
  mkdirSync(root, { mode: 0o755 });
  mkdirSync(scratch);
  chmodSync(base, 0o755);
  const path = (p: string): string => join(root, p);
  let workdir = '/';
  let user = '0:0';
  let entrypoint: string[] = [];
  try {
    for (const ins of final.instructions) {
      switch (ins.keyword) {
        case 'WORKDIR':
          workdir = posix.resolve(workdir, ins.args);
          mkdirSync(path(workdir), { recursive: true, mode: 0o755 });
          break;
        case 'USER': user = ins.args; break;
        case 'ENTRYPOINT': entrypoint = execForm(ins); break;
        case 'RUN': {
          // Package installs leave nothing the program uses; the file capability is what counts.
          const setcap = /\bsetcap (\S+) (\S+)/.exec(ins.args);
          if (setcap) {
            mkdirSync(dirname(path(setcap[2]!)), { recursive: true, mode: 0o755 });
            // A copy, never a link: the capability is an attribute of the file.
            copyFileSync(process.execPath, path(setcap[2]!));
            execFileSync('setcap', [setcap[1]!, path(setcap[2]!)]);
          }
          break;
        }
        case 'COPY': {
          const copy = copyOf(ins);
          const dest = posix.resolve(workdir, copy.dest);
          for (const source of copy.sources) {
            let src: string;
            if (copy.from === undefined) {
              if (!inContext(dockerignore, source)) throw new Error(`line ${ins.line}: ${source} is excluded by .dockerignore`);
              src = join(REPO, source);
            } else {
              const stage = stages.find((s) => s.name === copy.from);
              if (!stage) throw new Error(`line ${ins.line}: no stage named ${copy.from}`);
              src = stageSource(stage, source, scratch);
            }
            const isDir = lstatSync(src).isDirectory();
            const target = !isDir && copy.dest.endsWith('/') ? posix.join(dest, basename(source)) : dest;
            mkdirSync(dirname(path(target)), { recursive: true, mode: 0o755 });
            linkTree(src, path(target));
          }
          break;
        }
        default: break;
      }
    }
  } catch (err) {
    rmSync(base, { recursive: true, force: true });
    throw err;
  }
  const [uid, gid] = user.split(':').map(Number) as [number, number];
  const argv = entrypoint.map((a, i) => (i === 0 && a === 'node' ? path(IMAGE_NODE) : a.startsWith('/') ? path(a) : a));
  return {
    root, uid, gid, argv, cwd: path(workdir), path,
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/**
 * The command that runs `args` the way the kubelet runs the container: a private
 * mount namespace where the image root is its own read-only mount
 * (readOnlyRootFilesystem; remounted with suid so that node's file capability counts
 * even when the host's temp dir is nosuid) and the host's own file systems are
 * read-only too, then setpriv: the image's USER, no supplementary groups, only
 * NET_BIND_SERVICE in the bounding set (capabilities drop ALL, add NET_BIND_SERVICE)
 * and no_new_privs (allowPrivilegeEscalation: false).
 */
export function podCommand(img: ImageRoot, args: readonly string[]): string[] {
  const script = [
    'set -e',
    'mount --bind "$ROOT" "$ROOT"',
    'mount -o remount,bind,ro,suid "$ROOT"',
    'mount -o remount,bind,ro /',
    'mount -o remount,bind,ro "$(findmnt -no TARGET -T "$(dirname "$ROOT")")"',
    `exec setpriv --reuid=${img.uid} --regid=${img.gid} --clear-groups --bounding-set=-all,+net_bind_service --no-new-privs "$@"`,
  ].join('\n');
  return ['unshare', '--mount', '--propagation', 'private', 'env', `ROOT=${img.root}`, 'sh', '-c', script, 'kdns-pod', ...args];
}
