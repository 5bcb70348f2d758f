// Tests that make system-wide things (network namespaces, temp directories) put their
// pid in the names, so that a later run can remove what a killed run left behind.

import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the entries `<prefix><pid>-...` of `dir` whose process is gone. */
export function removeStaleDirs(dir: string, prefix: string): void {
  for (const name of readdirSync(dir)) {
    const m = name.startsWith(prefix) ? /^(\d+)-/.exec(name.slice(prefix.length)) : null;
    if (m && !alive(Number(m[1]))) rmSync(join(dir, name), { recursive: true, force: true });
  }
}
