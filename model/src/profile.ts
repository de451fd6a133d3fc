// The kernel the analysis assumes: version and architecture change what APIs return.

export const ARCHES = [
  'x86_64', 'x86_64-la57', 'arm64', 'arm64-16k', 'arm64-64k', 'ppc64', 'riscv64', 's390', 'arm', 'mips', 'parisc',
] as const;
export type Arch = (typeof ARCHES)[number];

export interface KernelVersion {
  major: number;
  minor: number;
}

export interface KernelProfile {
  version: KernelVersion;
  arch: Arch;
  /** Where the profile came from, for messages ("settings", "Makefile VERSION/PATCHLEVEL"). */
  source: string;
  /**
   * Kconfig symbols read from .config (without CONFIG_): 'y', 'm' or 'n'. Absent when no
   * .config was found: every option is then assumed enabled.
   */
  config?: ReadonlyMap<string, 'y' | 'm' | 'n'>;
}

export const DEFAULT_PROFILE: KernelProfile = { version: { major: 6, minor: 12 }, arch: 'x86_64', source: 'default' };

/** Parses "6.12" (also "6.12.3", "v6.1"); undefined when it is not a kernel version. */
export function parseKernelVersion(text: string): KernelVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+~][\w.+~-]*)?$/.exec(text.trim());
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major < 2 || major > 99 || minor > 999) return undefined;
  return { major, minor };
}

/** The oldest kernel whose sources the models were read from (Debian's linux-source-6.1). */
export const OLDEST_MODELED: KernelVersion = { major: 6, minor: 1 };

export function formatVersion(v: KernelVersion): string {
  return `${v.major}.${v.minor}`;
}

export function versionAtLeast(v: KernelVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

export function isArch(name: string): name is Arch {
  return (ARCHES as readonly string[]).includes(name);
}
