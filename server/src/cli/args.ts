// Command-line parsing for `iomem-lens check`. Small and explicit: every option is listed
// in USAGE, and every bad value is a usage error naming it.

import { ARCHES, isArch, parseKernelVersion } from '../../../model/src/index.js';
import { BASELINE_FILE } from '../analysis/baseline.js';
import { RULES_BY_ID } from '../rules/index.js';
import { refuseInputAsOutput } from './outputs.js';

export const USAGE = `usage: iomem-lens <command> [options]

commands:
  check [options] PATH...   analyze C files and directories (recursive: .c and .h)
  review PATCH... | --git R  what a patch series fixes and introduces (see below)
  simulate FILE:FUNCTION    play a function through the models (see below)
  lsp [--stdio]             run the language server over stdio (Neovim, Helix, Emacs...)
  rules                     list the rules and their default severities
  triggers                  list the identifiers that make a file worth parsing (the prefilter)
  --version                 print the version
  --help                    print this help

check options:
  --format text|json|sarif  output format (default: text, gcc style)
  --trace                   text format: follow each finding with its trace as note: lines
  --kernel X.Y              kernel version (default: the tree's Makefile, else 6.12)
  --arch NAME               ${ARCHES.join('|')} (default: the tree's .config, else x86_64)
  --layout FILE             /proc/iomem dump to simulate on (default: built-in x86_64 server)
  --rule ID                 run only this rule (repeatable)
  --disable ID              do not run this rule (repeatable)
  --path-bound N            work per function (node visits, weighted by path length) before the
                            analysis stops and says it is partial (default 50000)
  -j, --jobs N              worker threads for directories (default: number of CPUs)
  --baseline FILE           hide the findings recorded in FILE (default: ${BASELINE_FILE}
                            in the current directory, if there is one)
  --no-baseline             report every finding, whatever the baseline says
  --write-baseline [FILE]   record every current finding in FILE (default: the --baseline FILE,
                            else ./${BASELINE_FILE}) and exit 0; a FILE given as
                            a separate argument must end in .json
  -o, --output FILE         write the report to FILE
  --no-cache                do not reuse or save the scan index (default: files unchanged since
                            the last run of the same options keep their results; see README)
  --no-focus                parse whole files (default: only the functions an analysis can
                            reach are parsed, the others are blanked; the findings are the same)
  -q, --quiet               no notes on stderr

exit status: 0 no findings, 1 findings, 2 usage or fatal error`;

/** One argument as the parsers see it. */
export interface Arg {
  raw: string;
  /** The option name (`--opt` of `--opt=value`), or the argument itself. */
  opt: string;
  /** The option's value: after `=`, else the next argument (a usage error if there is none). */
  value(): string;
  /** The `=value`, if the argument had one. */
  inline: string | undefined;
  /** `inline`, for an option whose value is optional (one that never asks refuses `--opt=x`). */
  optional(): string | undefined;
  /** The next argument, without taking it; take() takes it. */
  peek(): string | undefined;
  take(): string;
  /** Takes every argument after this one. */
  rest(): string[];
}

/** Hands each argument of `argv` to `handle`, in order. */
export function forEachArg(argv: string[], handle: (arg: Arg) => void): void {
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const opt = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    let read = false;
    handle({
      raw, opt, inline,
      optional: () => {
        read = true;
        return inline;
      },
      value: () => {
        read = true;
        if (inline !== undefined) return inline;
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`${opt} needs a value`);
        return v;
      },
      peek: () => argv[i + 1],
      take: () => argv[++i] as string,
      rest: () => {
        const r = argv.slice(i + 1);
        i = argv.length;
        return r;
      },
    });
    // `--trace=no` turned the trace on (found in review): an option that takes no value refuses one.
    if (inline !== undefined && !read) throw new UsageError(`${opt} takes no value (${raw})`);
  }
}

/** `--format X` where X must be one of `allowed`. */
export function formatOption<F extends string>(v: string, allowed: readonly F[]): F {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--format ${v}: expected ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`);
  return v as F;
}

/** What check, review and simulate take alike: the profile, the layout and the rules. */
export interface AnalysisArgs {
  kernel?: string;
  arch?: string;
  layout?: string;
  only: string[];
  disable: string[];
  pathBound?: number;
}

/**
 * Parses one of the options of AnalysisArgs (`value` reads its value); false when `opt` is not
 * one of them.
 */
export function parseAnalysisOption(opt: string, value: () => string, a: AnalysisArgs): boolean {
  switch (opt) {
    case '--kernel': {
      const v = value();
      if (!parseKernelVersion(v)) throw new UsageError(`--kernel ${v}: expected a kernel version such as 6.12`);
      a.kernel = v;
      return true;
    }
    case '--arch': {
      const v = value();
      if (!isArch(v)) throw new UsageError(`--arch ${v}: expected one of ${ARCHES.join(', ')}`);
      a.arch = v;
      return true;
    }
    case '--layout': a.layout = value(); return true;
    case '--rule': case '--disable': {
      const id = value();
      if (!RULES_BY_ID.has(id)) throw new UsageError(`${opt} ${id}: unknown rule (see \`iomem-lens rules\`)`);
      (opt === '--rule' ? a.only : a.disable).push(id);
      return true;
    }
    case '--path-bound': {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 100 || n > 10_000_000) throw new UsageError(`--path-bound ${v}: expected an integer from 100 to 10000000`);
      a.pathBound = n;
      return true;
    }
    default:
      return false;
  }
}

export interface CheckArgs extends AnalysisArgs {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  trace: boolean;
  jobs?: number;
  output?: string;
  quiet: boolean;
  /** The baseline to read (--baseline), absent: the default file if present. */
  baseline?: string;
  noBaseline: boolean;
  /** Where --write-baseline writes; set: record the findings instead of reporting them. */
  writeBaseline?: string;
  /** Reuse and save the per-tree scan index (results of files unchanged since the last run). */
  cache: boolean;
  /** Parse only the functions an analysis can reach (default); false parses whole files. */
  focus: boolean;
}

export class UsageError extends Error {}


export function parseCheckArgs(argv: string[]): CheckArgs {
  const a: CheckArgs = { paths: [], format: 'text', trace: false, only: [], disable: [], quiet: false, noBaseline: false, cache: true, focus: true };
  let write: string | boolean = false;
  forEachArg(argv, ({ raw, opt, value, optional, peek, take, rest }) => {
    switch (opt) {
      case '--format': a.format = formatOption(value(), ['text', 'json', 'sarif'] as const); break;
      case '--trace': a.trace = true; break;
      case '-j': case '--jobs': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 256) throw new UsageError(`${opt} ${v}: expected a number of threads (0 runs in this thread)`);
        a.jobs = n;
        break;
      }
      case '--baseline': a.baseline = value(); break;
      case '--no-baseline': a.noBaseline = true; break;
      case '--no-cache': a.cache = false; break;
      case '--no-focus': a.focus = false; break;
      case '--write-baseline': {
        // The FILE is optional: as a separate argument it is told from the paths by its suffix.
        const next = peek();
        const inline = optional();
        if (inline !== undefined) write = inline;
        else if (next !== undefined && next.endsWith('.json') && !next.startsWith('-')) write = take();
        else write = true;
        if (write === '') throw new UsageError('--write-baseline= needs a file name');
        break;
      }
      case '-o': case '--output': a.output = value(); break;
      case '-q': case '--quiet': a.quiet = true; break;
      case '--':
        a.paths.push(...rest());
        break;
      default:
        if (parseAnalysisOption(opt, value, a)) break;
        if (raw.startsWith('-') && raw !== '-') throw new UsageError(`unknown option ${raw}`);
        a.paths.push(raw);
    }
  });
  if (a.paths.length === 0) throw new UsageError('check needs at least one file or directory');
  if (a.baseline !== undefined && a.noBaseline) throw new UsageError('--baseline and --no-baseline contradict each other');
  if (write !== false) a.writeBaseline = write === true ? a.baseline ?? BASELINE_FILE : write;
  refuseInputAsOutput('--output', a.output, a.paths);
  refuseInputAsOutput('--write-baseline', a.writeBaseline, a.paths);
  // A baseline is JSON: whichever way it was named, a C source is not one (found in review:
  // `--write-baseline=x.c` went round the suffix test of the separate-argument form).
  if (a.writeBaseline !== undefined && /\.[ch]$/.test(a.writeBaseline)) throw new UsageError(`--write-baseline ${a.writeBaseline}: a baseline is a JSON file, not a C source`);
  return a;
}

/** The settings object the options stand for (the same shape the editor sends). */
export function settingsFromArgs(a: AnalysisArgs): Record<string, unknown> {
  const rules: Record<string, string> = {};
  if (a.only.length) for (const id of RULES_BY_ID.keys()) if (!a.only.includes(id)) rules[id] = 'off';
  for (const id of a.disable) rules[id] = 'off';
  return {
    kernel: { version: a.kernel ?? 'auto', arch: a.arch ?? 'auto' },
    rules,
    ...(a.pathBound !== undefined ? { pathBound: a.pathBound } : {}),
    ...(a.layout !== undefined ? { layout: a.layout } : {}),
  };
}
