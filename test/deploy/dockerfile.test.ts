// deploy/Dockerfile without Docker: its stages and settings read from the file, and
// its runtime stage replayed into a directory (test/support/image.ts) that then runs
// as the pod runs it: uid 65532, only NET_BIND_SERVICE, read-only root, ENTRYPOINT's flags.

import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { copyOf, execForm, inContext, parseDockerfile, type Instruction, type Stage } from '../support/dockerfile.js';
import { run, type ExecResult } from '../support/exec.js';
import { buildImageRoot, DOCKERFILE, IMAGE_NODE, podCommand, REPO, type ImageRoot } from '../support/image.js';
import { loadManifests, manifest, type Deployment } from '../support/manifests.js';

const BASE = 'node:20-bookworm-slim';
const MAIN = '/kdns/dist/src/main.js';
/** kubeadm's memory limit for the DNS pod (SPEC §6). */
const LIMIT_MIB = 170;
/** kdns's resident memory serving a small cluster (mostly node's code, ICU, OpenSSL), measured: ~60 MiB. */
const BASELINE_MIB = 60;

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string; dependencies: Record<string, string>; devDependencies: Record<string, string>;
};

function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

function one(stage: Stage, keyword: string): Instruction {
  const found = all(stage, keyword);
  expect(found, `${keyword} in the ${stage.name ?? 'final'} stage`).to.have.length(1);
  return found[0]!;
}

function runs(stage: Stage, re: RegExp): boolean {
  return all(stage, 'RUN').some((i) => re.test(i.args));
}

/** Bare module specifiers imported by the compiled program. */
function importedPackages(dir: string): Set<string> {
  const out = new Set<string>();
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      for (const x of importedPackages(p)) out.add(x);
    } else if (name.endsWith('.js')) {
      const text = readFileSync(p, 'utf8');
      const statics = text.matchAll(/^\s*(?:import|export)\b(?:[^;'"]*?\bfrom)?\s*['"]([^'"]+)['"]/gm);
      const dynamics = text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g);
      for (const m of [...statics, ...dynamics]) {
        const spec = m[1]!;
        if (spec.startsWith('.') || isBuiltin(spec)) continue;
        out.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  }
  return out;
}

/** Runs `args` inside the replayed image as the pod would (see podCommand). */
function runAsPod(img: ImageRoot, args: readonly string[]): Promise<ExecResult> {
  const [cmd, ...rest] = podCommand(img, args);
  return run(cmd!, rest, { cwd: img.cwd, env: { PATH: process.env.PATH } });
}

describe('deploy/Dockerfile', () => {
  let stages: Stage[];
  let final: Stage;
  let entrypoint: string[];

  before(() => {
    stages = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
    final = stages[stages.length - 1]!;
    entrypoint = execForm(one(final, 'ENTRYPOINT'));
  });

  it(`builds in ${BASE} and runs on the same base`, () => {
    expect(stages.map((s) => s.from)).to.deep.equal(stages.map(() => BASE));
    const build = stages.find((s) => s.name === 'build')!;
    expect(runs(build, /\bnpm ci\b/), 'npm ci in the build stage').to.equal(true);
    expect(runs(build, /\btsc\b/), 'tsc in the build stage').to.equal(true);
  });

  it('ships production dependencies only: node_modules from `npm ci --omit=dev`, dist/src from the build', () => {
    expect(runs(final, /\bnpm\b/), 'the runtime stage installs nothing itself').to.equal(false);
    const copies = all(final, 'COPY').map(copyOf);
    const modules = copies.filter((c) => c.sources.some((s) => s.includes('node_modules')));
    expect(modules).to.have.length(1);
    const deps = stages.find((s) => s.name === modules[0]!.from)!;
    expect(runs(deps, /\bnpm ci\b.*--omit=dev/), `stage ${modules[0]!.from} runs npm ci --omit=dev`).to.equal(true);
    expect(runs(deps, /\bnpm (ci|install)\b(?!.*--omit=dev)/), 'and no other install').to.equal(false);
    const fromBuild = copies.filter((c) => c.from === 'build').flatMap((c) => c.sources);
    expect(fromBuild).to.deep.equal(['/kdns/dist/src/']);
  });

  it('imports at run time only packages listed in dependencies', () => {
    const used = [...importedPackages(join(REPO, 'dist', 'src'))].sort();
    expect(used.filter((p) => !(p in pkg.dependencies)), 'imported by dist/src but not in dependencies').to.deep.equal([]);
  });

  it('.dockerignore lets in what COPY reads and keeps out tests, builds and modules', () => {
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8');
    const sources = stages.flatMap((s) => all(s, 'COPY').map(copyOf)).filter((c) => c.from === undefined).flatMap((c) => c.sources);
    for (const s of sources) expect(inContext(ignore, s), `${s} in the build context`).to.equal(true);
    for (const p of ['test/run.mjs', 'bench/run.ts', 'node_modules/yaml/package.json', 'dist/src/main.js', '.git/HEAD', 'deploy/Dockerfile']) {
      expect(inContext(ignore, p), `${p} in the build context`).to.equal(false);
    }
  });

  it('runs as uid 65532 (CoreDNS\'s nonroot), numeric for runAsNonRoot', () => {
    expect(one(final, 'USER').args).to.equal('65532:65532');
  });

  it('gives the node binary that ENTRYPOINT runs the file capability to bind port 53', () => {
    expect(runs(final, new RegExp(`\\bsetcap cap_net_bind_service=\\+ep ${IMAGE_NODE}\\b`))).to.equal(true);
    expect(entrypoint[0]).to.equal('node');
  });

  it(`starts ${MAIN} with node flags sized for the ${LIMIT_MIB}Mi limit, arguments left to the Deployment`, () => {
    expect(entrypoint[entrypoint.length - 1]).to.equal(MAIN);
    const flags = entrypoint.slice(1, -1);
    expect(flags).to.include('--max-semi-space-size=1');
    const oldSpace = flags.map((f) => /^--max-old-space-size=(\d+)$/.exec(f)).find(Boolean);
    expect(oldSpace, '--max-old-space-size').to.not.equal(undefined);
    expect(Number(oldSpace![1]) + BASELINE_MIB).to.be.below(LIMIT_MIB);
    expect(all(final, 'CMD')).to.deep.equal([]);
  });

  it('exposes the ports the Deployment declares', () => {
    const exposed = all(final, 'EXPOSE').flatMap((i) => i.args.split(' ')).map((p) => (p.includes('/') ? p : `${p}/tcp`));
    const container = manifest<Deployment>(loadManifests(), 'Deployment', 'coredns').spec.template.spec.containers[0]!;
    const declared = (container.ports ?? []).map((p) => `${p.containerPort}/${(p.protocol ?? 'TCP').toLowerCase()}`);
    expect(exposed).to.include.members(declared);
  });

  describe('the runtime stage, replayed without Docker', function () {
    this.timeout(60_000);
    let img: ImageRoot;

    before(function () {
      if (process.getuid?.() !== 0) {
        console.log('      skipped: running as the pod (mounts, setpriv) needs root');
        this.skip();
      }
      img = buildImageRoot();
    });

    after(() => img?.remove());

    it('prints its version as uid 65532 on a read-only root, with production modules only', async () => {
      const res = await runAsPod(img, [...img.argv, '-version']);
      expect(res.code, res.stderr).to.equal(0);
      expect(res.stdout).to.contain(`kdns-${pkg.version}`);
    });

    it('loads every built-in plugin (all their imports resolve from the production modules)', async () => {
      const res = await runAsPod(img, [...img.argv, '-plugins']);
      expect(res.code, res.stderr).to.equal(0);
      expect(res.stdout).to.contain('dns.kubernetes');
    });

    it('gets the V8 heap limit its flags ask for', async () => {
      const [node, ...flags] = img.argv.slice(0, -1);
      const res = await runAsPod(img, [node!, ...flags, '-p',
        'Math.round(require("v8").getHeapStatistics().heap_size_limit / 1048576)']);
      expect(res.code, res.stderr).to.equal(0);
      const oldSpace = Number(/--max-old-space-size=(\d+)/.exec(flags.join(' '))![1]);
      // The limit is old space plus the young generation (3 semi-spaces of 1 MiB).
      expect(Number(res.stdout)).to.be.within(oldSpace, oldSpace + 4);
    });
  });
});
