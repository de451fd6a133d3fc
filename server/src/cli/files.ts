// Finding the files to check: `.c` and `.h` under the given paths, without following
// symbolic links (so a link loop cannot trap the walk), noting what could not be read.

import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FileList {
  files: string[];
  skipped: { file: string; reason: string }[];
  /** Command-line operands that do not exist or cannot be read. */
  missing: { file: string; reason: string }[];
}

const SOURCE = /\.[ch]$/;
/** Directories of build output and VCS metadata that never hold sources to check. */
const IGNORED_DIRS = new Set(['.git', 'node_modules', '.pc', '.tmp_versions']);

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/**
 * Listings of directories a run saw before (the scan index keeps them), by the directory's change
 * stamp: creating, removing or renaming an entry changes it, so a directory whose stamp did not
 * change has the entries it had. Entries are encoded as listFiles() walks them: a kind letter
 * ('d' a directory to walk, 'f' a regular source file, 'l' a symbolic link, 'o' a source name
 * that is not a regular file), then the name.
 */
export interface DirListings {
  /** The entries of `dir` listed when its stamp was `stamp`, if that stamp can be trusted. */
  get(dir: string, stamp: DirStamp): readonly string[] | undefined;
  set(dir: string, stamp: DirStamp, entries: readonly string[]): void;
}

/**
 * A directory's change stamp (the later of mtime and ctime, as for files) and which directory it
 * is (device and inode): a path may name another directory with the same stamp (an operand that
 * is a symbolic link, retargeted: found in review).
 */
export interface DirStamp {
  time: number;
  id: string;
}

export function stampOf(st: fs.Stats): DirStamp {
  return { time: stampTime(st), id: `${st.dev}:${st.ino}` };
}

/** The change stamp of a file or directory: the later of mtime and ctime. */
export function stampTime(st: fs.Stats): number {
  return Math.max(st.mtimeMs, st.ctimeMs);
}

export function dirStamp(dir: string): DirStamp | undefined {
  try {
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    return st ? stampOf(st) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `.c` and `.h` files under `operands`, in a stable order (each directory's entries sorted
 * by name). With `known`, a directory whose stamp did not change is not read again: on a tree
 * of 5,760 directories, reading each cost more than asking for its stamp.
 */
export function listFiles(operands: string[], known?: DirListings): FileList {
  const out: FileList = { files: [], skipped: [], missing: [] };
  const read = (dir: string, named: boolean): string[] | undefined => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      // A directory named on the command line that cannot be read is an error, as a missing one
      // is; one found under it is skipped with a note (found in review: a named one passed).
      (named ? out.missing : out.skipped).push({ file: dir, reason: `cannot read directory (${errCode(e)})` });
      return undefined;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const listing: string[] = [];
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!IGNORED_DIRS.has(e.name)) listing.push(`d${e.name}`);
      } else if (e.isSymbolicLink()) listing.push(`l${e.name}`);
      else if (SOURCE.test(e.name)) listing.push(`${e.isFile() ? 'f' : 'o'}${e.name}`);
    }
    return listing;
  };
  const walk = (dir: string, stamp: DirStamp | undefined, named = false): void => {
    let listing = stamp !== undefined ? known?.get(dir, stamp) : undefined;
    if (!listing) {
      const fresh = read(dir, named);
      if (!fresh) return;
      if (stamp !== undefined) known?.set(dir, stamp, fresh);
      listing = fresh;
    }
    // path.join() once per directory, not per entry: 60,000 joins showed in a re-scan's time.
    const prefix = path.join(dir, '_').slice(0, -1);
    for (const item of listing) {
      const name = item.slice(1);
      const p = prefix + name;
      switch (item.charCodeAt(0)) {
        case 0x64: // d
          walk(p, known ? dirStamp(p) : undefined);
          break;
        case 0x66: // f
          out.files.push(p);
          break;
        case 0x6c: // l: where it points may change without the directory changing
          if (SOURCE.test(name) || isDirLink(p)) out.skipped.push({ file: p, reason: 'symbolic link, not followed' });
          break;
        default: // o: a FIFO would block the read
          out.skipped.push({ file: p, reason: 'not a regular file' });
      }
    }
  };
  for (const op of operands) {
    let st: fs.Stats;
    try {
      st = fs.statSync(op);
    } catch (e) {
      out.missing.push({ file: op, reason: errCode(e) === 'ENOENT' ? 'no such file or directory' : `cannot read (${errCode(e)})` });
      continue;
    }
    if (st.isDirectory()) walk(op, known ? stampOf(st) : undefined, true);
    else if (!st.isFile()) out.skipped.push({ file: op, reason: 'not a regular file' });
    else if (readable(op)) out.files.push(op); // an explicit file is checked whatever its name
    else out.missing.push({ file: op, reason: 'cannot read (EACCES)' });
  }
  // Operands that overlap (`check d d/x.c ./d`) name some files more than once: each is checked
  // and reported once, under the first name it was listed by (found in review: three times).
  // One operand lists each file once (links under it are not followed): 60,000 lookups spared.
  // Several are compared by what they are, not how they are spelled: an operand that is a link
  // to a directory also named is walked (found in review: `check d dl` reported twice).
  if (operands.length < 2 || disjoint(operands)) return out;
  const once = <T>(items: T[], key: (x: T) => string): T[] => {
    const seen = new Set<string>();
    return items.filter((x) => {
      const k = key(x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  out.files = once(out.files, realPath);
  // A skipped entry may be a link: it is known by where it sits, not where it points.
  out.skipped = once(out.skipped, (x) => `${path.join(realPath(path.dirname(x.file)), path.basename(x.file))}\0${x.reason}`);
  return out;
}

/**
 * Whether no operand is, or lies under, another as the file system resolves them: their
 * listings then share no file (links under them are not followed), and the 3,673 files of
 * the kernel's core directories, listed as eleven operands before the workers can start on
 * them, need no realpath() each (37 to 56 ms of the main thread against 4 to 6 for the listing).
 */
function disjoint(operands: readonly string[]): boolean {
  // Sorted, a path and those under it (or equal to it) are neighbours: one pass over pairs,
  // not every pair (found in review: 20,000 file operands from xargs took 21 s).
  const real = operands.map((o) => {
    const r = realPath(o);
    return r.endsWith(path.sep) ? r : r + path.sep;
  }).sort();
  for (let i = 1; i < real.length; i++) if ((real[i] as string).startsWith(real[i - 1] as string)) return false;
  return true;
}

/** A path as the file system resolves it (links followed), or as given where it cannot. */
function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function readable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function isDirLink(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
