// Network namespaces for end-to-end tests (iproute2's `ip netns`): each one a host of
// its own, joined by veth pairs whose addresses exist only inside them, with its own
// /etc/netns/<name>/ files (resolv.conf...) bind-mounted over /etc by `ip netns exec`.
// Names are `kdns-<role>-<pid>`: leftovers of a test process that died are removed
// on the next start.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type ExecResult } from './exec.js';
import { alive } from './leftovers.js';

const NAME = /^kdns-[a-z]+-(\d+)$/;

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Ends the processes still inside `name` (started by a kdns test), then the namespace and its files. */
function destroy(name: string): void {
  let pids: number[] = [];
  try {
    pids = ip('netns', 'pids', name).split('\n').filter(Boolean).map(Number);
  } catch { /* already gone */ }
  for (const pid of pids) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* exited */ }
  }
  try { ip('netns', 'del', name); } catch { /* already gone */ }
  rmSync(join('/etc/netns', name), { recursive: true, force: true });
}

export class Netns {
  constructor(readonly name: string) {}

  /** Runs `cmd` inside the namespace and collects its output (never rejects). */
  exec(cmd: string, args: readonly string[] = []): Promise<ExecResult> {
    return run('ip', ['netns', 'exec', this.name, cmd, ...args]);
  }

  /** Starts a long-running process inside the namespace (`ip netns exec` execs it: same pid). */
  spawn(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.name, cmd, ...args], { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  }
}

export class NetnsLab {
  private readonly created: string[] = [];

  private constructor() {}

  /**
   * A lab for this process, or the reason namespaces cannot be made here (not root,
   * no CAP_SYS_ADMIN): the only case where a test may skip.
   */
  static open(): NetnsLab | string {
    if (process.getuid?.() !== 0) return 'network namespaces need root (CAP_SYS_ADMIN); run the tests as root';
    for (const line of ip('netns', 'list').split('\n')) {
      const name = line.split(' ')[0]!;
      const m = NAME.exec(name);
      if (m && !alive(Number(m[1]))) destroy(name);
    }
    const lab = new NetnsLab();
    try {
      lab.add('probe');
    } catch (err) {
      const msg = String((err as { stderr?: unknown }).stderr ?? err);
      if (/not permitted|permission denied/i.test(msg)) return `cannot create network namespaces here: ${msg.trim()}`;
      throw err;
    } finally {
      lab.close();
    }
    return new NetnsLab();
  }

  /** A new namespace `kdns-<role>-<pid>` with loopback up and `files` under /etc/netns/<name>/. */
  add(role: string, files: Record<string, string> = {}): Netns {
    const name = `kdns-${role}-${process.pid}`;
    this.created.push(name);
    ip('netns', 'add', name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    if (Object.keys(files).length > 0) {
      const dir = join('/etc/netns', name);
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    }
    return new Netns(name);
  }

  /**
   * A veth pair between two namespaces, created inside them (the host's own network
   * never sees it): `ifname` at both ends, each end with its address (CIDR).
   */
  link(ifname: string, a: Netns, addrA: string, b: Netns, addrB: string): void {
    ip('-n', a.name, 'link', 'add', ifname, 'type', 'veth', 'peer', 'name', ifname, 'netns', b.name);
    for (const [ns, addr] of [[a, addrA], [b, addrB]] as const) {
      ip('-n', ns.name, 'addr', 'add', addr, 'dev', ifname);
      ip('-n', ns.name, 'link', 'set', ifname, 'up');
    }
  }

  /** Removes every namespace this lab made, the processes left in them and their /etc/netns files. */
  close(): void {
    for (const name of this.created.splice(0)) destroy(name);
    try { rmdirSync('/etc/netns'); } catch { /* not empty (others use it) or never made */ }
  }
}
