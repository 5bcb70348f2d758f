// A Dockerfile reader for tests (no Docker engine runs in CI): stages and their
// instructions, and the .dockerignore rules that decide what the build context holds.

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY... */
  readonly keyword: string;
  /** The rest of the instruction, continuation lines joined with a space. */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  /** The base image, with ARG defaults substituted. */
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** The instructions of a Dockerfile grouped by stage; `ARG`s before the first FROM fill `${NAME}`. */
export function parseDockerfile(text: string): Stage[] {
  const globals = new Map<string, string>();
  const stages: Stage[] = [];
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const start = i + 1;
    let row = rows[i]!;
    if (/^\s*(#|$)/.test(row)) continue;
    // A trailing backslash continues the instruction; comment lines inside it are dropped.
    while (row.endsWith('\\') && i + 1 < rows.length) {
      const next = rows[++i]!;
      row = `${row.slice(0, -1)} ${/^\s*#/.test(next) ? '' : next.trim()}`;
    }
    const m = /^\s*(\w+)\s+(.*)$/.exec(row);
    if (!m) throw new Error(`Dockerfile line ${start}: cannot read '${row}'`);
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.replace(/\s+/g, ' ').trim();
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+ )?(\S+)(?: AS (\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile line ${start}: cannot read FROM '${args}'`);
      const image = from[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => globals.get(a ?? b!) ?? '');
      stages.push({ from: image, name: from[2], instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== 'ARG') throw new Error(`Dockerfile line ${start}: ${keyword} before FROM`);
      const [name, value = ''] = args.split('=', 2) as [string, string?];
      globals.set(name, value);
    } else {
      stages[stages.length - 1]!.instructions.push({ keyword, args, line: start });
    }
  }
  return stages;
}

/** The args of an exec-form (JSON array) instruction such as ENTRYPOINT. */
export function execForm(ins: Instruction): string[] {
  const value: unknown = JSON.parse(ins.args);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Error(`line ${ins.line}: ${ins.keyword} is not in exec form (a JSON array of strings)`);
  }
  return value;
}

export interface Copy {
  /** The stage copied from, or undefined for the build context. */
  readonly from: string | undefined;
  readonly sources: string[];
  readonly dest: string;
  readonly line: number;
}

export function copyOf(ins: Instruction): Copy {
  const words = ins.args.split(' ');
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
  }
  if (words.length < 2) throw new Error(`line ${ins.line}: COPY needs a source and a destination`);
  return { from, sources: words.slice(0, -1), dest: words[words.length - 1]!, line: ins.line };
}

/** Docker's matching: `*` within a path segment, `**` across segments, `?` one character. */
function patternRegExp(pattern: string): RegExp {
  const body = pattern.replace(/^\/+|\/+$/g, '').split(/(\*\*|\*|\?)/).map((part) => {
    if (part === '**') return '.*';
    if (part === '*') return '[^/]*';
    if (part === '?') return '[^/]';
    return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }).join('');
  return new RegExp(`^${body}$`);
}

/**
 * Whether `path` (relative to the context root) is sent to the builder: the last
 * .dockerignore rule matching the path or one of its parents decides.
 */
export function inContext(dockerignore: string, path: string): boolean {
  const rules = dockerignore.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => ({ keep: l.startsWith('!'), re: patternRegExp(l.replace(/^!/, '')) }));
  const parts = path.replace(/\/+$/, '').split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let included = true;
  for (const rule of rules) {
    if (prefixes.some((p) => rule.re.test(p))) included = rule.keep;
  }
  return included;
}
