// Settings: validated into analysis options, with a clear message for every bad value that
// names it and says which default is in effect. The kernel profile is detected from the
// tree (top Makefile VERSION/PATCHLEVEL, .config) when the setting says "auto".

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ARCHES, Arch, DEFAULT_PROFILE, KernelProfile, KernelVersion, MachineLayout, defaultLayout, formatVersion,
  OLDEST_MODELED, isArch, layoutFromDump, parseKernelVersion, versionAtLeast,
} from '../../model/src/index.js';
import type { AnalysisOptions } from './analysis/options.js';
import { RULES, RULES_BY_ID } from './rules/index.js';
import type { Severity } from './rules/rule.js';
import { readFailure, readRegularFile } from './readFile.js';

export const DEFAULT_PATH_BOUND = 50_000;
const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'] as const;
type RuleSetting = (typeof SEVERITIES)[number];

/** The raw settings object (`iomemLens.*` in VS Code; CLI options map onto it). */
export interface RawSettings {
  kernel?: { version?: unknown; arch?: unknown; config?: unknown };
  rules?: unknown;
  pathBound?: unknown;
  layout?: unknown;
}

export interface ResolvedSettings {
  options: AnalysisOptions;
  /** One line per bad value: what was wrong and the default used instead. */
  problems: string[];
}

/**
 * What a top Makefile says of the kernel's version: undefined when it assigns no VERSION and
 * PATCHLEVEL (not a kernel's Makefile); otherwise the version, or why its values are not one
 * (found in review: `VERSION = banana` went unsaid, and a huge PATCHLEVEL was taken as is).
 */
export function makefileVersion(text: string): { version: KernelVersion } | { bad: string } | undefined {
  const v = /^VERSION\s*=[ \t]*(.*?)\s*$/m.exec(text)?.[1];
  const p = /^PATCHLEVEL\s*=[ \t]*(.*?)\s*$/m.exec(text)?.[1];
  if (v === undefined || p === undefined) return undefined;
  const version = /^\d+$/.test(v) && /^\d+$/.test(p) ? parseKernelVersion(`${v}.${p}`) : undefined;
  return version ? { version } : { bad: `VERSION = ${JSON.stringify(v)}, PATCHLEVEL = ${JSON.stringify(p)} is not a kernel version` };
}

/** Reads VERSION and PATCHLEVEL from a kernel's top Makefile. */
export function versionFromMakefile(text: string): KernelVersion | undefined {
  const m = makefileVersion(text);
  return m && 'version' in m ? m.version : undefined;
}

/** Kconfig symbols of architectures the models do not know (a .config that says none is a fragment). */
const OTHER_ARCH = /^CONFIG_(?:X86|X86_32|SPARC|SPARC32|SPARC64|LOONGARCH|ALPHA|M68K|SUPERH|XTENSA|MICROBLAZE|OPENRISC|CSKY|HEXAGON|NIOS2|ARC|UML|RISCV|IA64|PPC|PPC32)=y$/m;

/** The architecture a kernel .config was made for. */
export function archFromConfig(text: string): Arch | undefined {
  const on = (sym: string): boolean => new RegExp(`^CONFIG_${sym}=y$`, 'm').test(text);
  // x86_64 stays 4-level with CONFIG_X86_5LEVEL=y: the kernel picks 5-level paging at boot,
  // when the CPU has LA57, so the config alone does not say it.
  if (on('X86_64')) return 'x86_64';
  // arm64's page size is a build option (found in review: a 64K kernel was read as 4K).
  if (on('ARM64')) return on('ARM64_64K_PAGES') ? 'arm64-64k' : on('ARM64_16K_PAGES') ? 'arm64-16k' : 'arm64';
  if (on('PPC64')) return 'ppc64';
  if (on('RISCV') && on('64BIT')) return 'riscv64';
  if (on('S390')) return 's390';
  if (on('ARM')) return 'arm';
  if (on('MIPS')) return 'mips';
  if (on('PARISC')) return 'parisc';
  return undefined;
}

/** The kernel tree containing `start`: the nearest directory up with a kernel Makefile. */
export function findKernelRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  try {
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  for (let i = 0; i < 64; i++) {
    const mk = path.join(dir, 'Makefile');
    try {
      // Not readFileSync(): a FIFO named Makefile would block the run (found in review).
      if (makefileVersion(readRegularFile(mk).toString('utf8').slice(0, 4096))) return dir;
    } catch {
      // no Makefile here
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/** Kconfig symbols of a .config: `CONFIG_X=y|m`, and `# CONFIG_X is not set` as 'n'. */
export function configSymbols(text: string): Map<string, 'y' | 'm' | 'n'> {
  const out = new Map<string, 'y' | 'm' | 'n'>();
  for (const m of text.matchAll(/^CONFIG_(\w+)=([ym])$/gm)) out.set(m[1] as string, m[2] as 'y' | 'm');
  for (const m of text.matchAll(/^# CONFIG_(\w+) is not set$/gm)) out.set(m[1] as string, 'n');
  return out;
}

/** Detects the profile of the kernel tree at `root` (Makefile, .config). */
export function detectProfile(root: string | undefined): { version?: KernelVersion; arch?: Arch; config?: Map<string, 'y' | 'm' | 'n'>; source: string; problem?: string; archProblem?: string } {
  if (!root) return { source: 'default' };
  const read = (f: string): string | undefined => {
    try {
      return readRegularFile(path.join(root, f)).toString('utf8'); // a FIFO would block

    } catch {
      return undefined;
    }
  };
  const mk = read('Makefile');
  const said = mk ? makefileVersion(mk.slice(0, 4096)) : undefined;
  const version = said && 'version' in said ? said.version : undefined;
  const cfg = read('.config');
  const arch = cfg ? archFromConfig(cfg) : undefined;
  const sources = [version ? 'Makefile VERSION/PATCHLEVEL' : '', arch ? '.config' : ''].filter(Boolean);
  return {
    ...(version ? { version } : {}), ...(arch ? { arch } : {}), ...(cfg ? { config: configSymbols(cfg) } : {}), source: sources.join(' and ') || 'default',
    ...(said && 'bad' in said ? { problem: `${path.join(root, 'Makefile')}: ${said.bad}` } : {}),
    // A .config of an architecture the models do not know (i386, sparc64, loongarch...) is said
    // to be one, rather than read as x86_64 without a word (found in review).
    ...(cfg && !arch && OTHER_ARCH.test(cfg) ? { archProblem: `${path.join(root, '.config')}: its architecture is not one iomem-lens models (${ARCHES.join(', ')}); x86_64's memory layout applies (kernel.arch or --arch picks another)` } : {}),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates raw settings. `root` is the kernel tree (for "auto" detection and relative
 * layout paths). Never throws: bad values become problems and defaults.
 */
export function resolveSettings(raw: unknown, root?: string): ResolvedSettings {
  const problems: string[] = [];
  const s: RawSettings = isObject(raw) ? raw : {};
  if (raw !== undefined && raw !== null && !isObject(raw)) problems.push(`settings must be an object, got ${JSON.stringify(raw)}; using the defaults`);
  const detected = detectProfile(root);
  const kernel = isObject(s.kernel) ? s.kernel : {};
  if (s.kernel !== undefined && s.kernel !== null && !isObject(s.kernel)) {
    problems.push(`kernel must be an object like {"version": "6.12", "arch": "x86_64"}, got ${JSON.stringify(s.kernel)}; detecting both`);
  }

  let version: KernelVersion = detected.version ?? DEFAULT_PROFILE.version;
  let source = detected.version ? detected.source : 'default';
  const rv = kernel.version;
  if (rv !== undefined && rv !== 'auto' && rv !== '') {
    const v = typeof rv === 'string' ? parseKernelVersion(rv) : undefined;
    if (v) {
      version = v;
      source = 'settings';
    } else {
      problems.push(`kernel.version ${JSON.stringify(rv)} is not a kernel version like "6.12"; using ${formatVersion(version)} (${source})`);
    }
  }
  // The Makefile matters only where no setting names the version.
  if (detected.problem && source !== 'settings') problems.push(`${detected.problem}; using ${formatVersion(version)} (${source})`);
  if (!versionAtLeast(version, OLDEST_MODELED.major, OLDEST_MODELED.minor)) {
    // The models branch on the releases that changed the semantics (6.9, 6.12...): anything
    // older takes the 6.1 branches, which may not be what that kernel did.
    problems.push(`kernel ${formatVersion(version)} (${source}) is older than ${formatVersion(OLDEST_MODELED)}, the oldest kernel the models were read from; ` +
      `${formatVersion(OLDEST_MODELED)}'s semantics apply`);
  }
  let arch: Arch = detected.arch ?? DEFAULT_PROFILE.arch;
  const ra = kernel.arch;
  // The .config matters only where no setting names the arch.
  if (detected.archProblem && (ra === undefined || ra === 'auto' || ra === '')) problems.push(detected.archProblem);
  if (ra !== undefined && ra !== 'auto' && ra !== '') {
    if (typeof ra === 'string' && isArch(ra)) arch = ra;
    else problems.push(`kernel.arch ${JSON.stringify(ra)} is not one of ${ARCHES.join(', ')}; using ${arch}`);
  }
  let config = detected.config;
  const rc = kernel.config;
  if (rc !== undefined) {
    if (!isObject(rc)) problems.push(`kernel.config must map Kconfig symbols to "y", "m" or "n", got ${JSON.stringify(rc)}; ignored`);
    else {
      config = new Map(config ?? []);
      for (const [k, v] of Object.entries(rc)) {
        const sym = k.replace(/^CONFIG_/, '');
        if (v === 'y' || v === 'm' || v === 'n') config.set(sym, v);
        else problems.push(`kernel.config.${k}: ${JSON.stringify(v)} is not "y", "m" or "n"; ignored`);
      }
    }
  }
  const profile: KernelProfile = { version, arch, source, ...(config ? { config } : {}) };

  const severity = new Map<string, Severity>();
  const rules = new Set<string>();
  for (const r of RULES) {
    rules.add(r.meta.id);
    severity.set(r.meta.id, r.meta.defaultSeverity);
  }
  if (s.rules !== undefined) {
    if (!isObject(s.rules)) problems.push(`rules must map rule ids to ${SEVERITIES.join('|')}, got ${JSON.stringify(s.rules)}; using the defaults`);
    else {
      for (const [id, value] of Object.entries(s.rules)) {
        if (!RULES_BY_ID.has(id)) {
          problems.push(`rules: unknown rule ${JSON.stringify(id)} (known: ${RULES.map((r) => r.meta.id).join(', ')}); ignored`);
          continue;
        }
        if (typeof value !== 'string' || !(SEVERITIES as readonly string[]).includes(value)) {
          problems.push(`rules.${id}: ${JSON.stringify(value)} is not one of ${SEVERITIES.join(', ')}; using ${severity.get(id)}`);
          continue;
        }
        if ((value as RuleSetting) === 'off') rules.delete(id);
        else severity.set(id, value as Severity);
      }
    }
  }

  let pathBound = DEFAULT_PATH_BOUND;
  if (s.pathBound !== undefined) {
    const n = s.pathBound;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 10_000_000) pathBound = n;
    else problems.push(`pathBound ${JSON.stringify(n)} must be an integer from 100 to 10000000; using ${DEFAULT_PATH_BOUND}`);
  }

  let layout: MachineLayout = defaultLayout();
  if (s.layout !== undefined && s.layout !== '' && s.layout !== null) {
    if (typeof s.layout !== 'string') problems.push(`layout ${JSON.stringify(s.layout)} must be the path of a /proc/iomem dump; using the default layout`);
    else {
      const file = root && !path.isAbsolute(s.layout) ? path.join(root, s.layout) : s.layout;
      const loaded = loadLayout(file);
      if ('error' in loaded) problems.push(`layout ${JSON.stringify(s.layout)}: ${loaded.error}; using the default layout`);
      else {
        layout = loaded.layout;
        problems.push(...loaded.layout.warnings.map((w) => `layout ${JSON.stringify(s.layout)}: ${w}`));
      }
    }
  }
  return { options: { profile, layout, rules, severity, pathBound }, problems };
}

/** Reads a /proc/iomem dump from disk. */
export function loadLayout(file: string): { layout: MachineLayout } | { error: string } {
  let text: string;
  try {
    const buf = readRegularFile(file);
    if (buf.length > 4 << 20) return { error: `${buf.length} bytes is too large for a /proc/iomem dump` };
    text = buf.toString('utf8');
  } catch (e) {
    return { error: `cannot read it (${readFailure(e)})` };
  }
  try {
    return { layout: layoutFromDump(text, path.basename(file)) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
