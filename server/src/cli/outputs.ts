// What a command may write: never over one of its own inputs (gcc refuses `-o x.c x.c` too).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './args.js';

const SOURCE = /\.[ch]$/;

/**
 * Throws a UsageError when `out` (the file `flag` names) is one of `inputs` (the same file, by
 * device and inode, whatever the spelling), or a C source under one of the directories among
 * them: writing it would replace what the command was asked to read (found in review: `check -o
 * k.c k.c` replaced the source with the report).
 */
export function refuseInputAsOutput(flag: string, out: string | undefined, inputs: readonly string[]): void {
  if (out === undefined || out === '-') return;
  const target = statOf(out);
  const full = path.resolve(out);
  for (const input of inputs) {
    if (input === '-') continue;
    const st = statOf(input);
    if (!st) continue;
    const same = target !== undefined && target.dev === st.dev && target.ino === st.ino;
    const inside = st.isDirectory() && SOURCE.test(out) && full.startsWith(path.resolve(input) + path.sep);
    if (same || inside) throw new UsageError(`${flag} ${out}: that is ${same ? 'one of the files to read' : `a C source under ${input}`}: refusing to overwrite it`);
  }
}

function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
