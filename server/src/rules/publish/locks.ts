// Which locks a function holds at a point, read from its text: for publish-unpaired, a plain
// load made under the lock every publisher of the pointer holds at its store cannot race that
// store (the lock's release and acquire order the two critical sections; found in review: an
// updater's read under the publisher's mutex was reported). Counted by lock expression, as
// written (`&foo_lock` and `foo_lock` alike); cleanup.h's guards are held to the end of the text.

const TAKE = String.raw`mutex_lock\w*|mutex_trylock|spin_lock\w*|spin_trylock\w*|raw_spin_lock\w*|read_lock\w*|write_lock\w*|down_read\w*|down_write\w*`;
const DROP = String.raw`mutex_unlock|spin_unlock\w*|raw_spin_unlock\w*|read_unlock\w*|write_unlock\w*|up_read|up_write`;
const EVENTS = new RegExp(String.raw`\b(?:(${TAKE})|(${DROP}))\s*\(\s*([^,()]+)|\bguard\s*\(\s*\w+\s*\)\s*\(\s*([^,()]+)|\bscoped_guard\s*\(\s*\w+\s*,\s*([^,()]+)`, 'g');

const lockName = (arg: string): string => arg.replace(/\s+/g, '').replace(/^&/, '');

/** The locks held at the end of `text` (a function body up to a point). */
export function locksHeld(text: string): Set<string> {
  const depth = new Map<string, number>();
  for (const m of text.matchAll(EVENTS)) {
    const arg = m[3] ?? m[4] ?? m[5];
    if (arg === undefined) continue;
    const name = lockName(arg);
    depth.set(name, (depth.get(name) ?? 0) + (m[2] ? -1 : 1));
  }
  return new Set([...depth].filter(([, d]) => d > 0).map(([name]) => name));
}

/**
 * The locks held at the start of 0-based `line` of `source`, inside the function around it: from
 * the function's opening brace (at the start of a line, kernel style) to that line. Undefined
 * when no such brace is found.
 */
export function locksAtLine(source: string, line: number): Set<string> | undefined {
  let at = 0;
  for (let i = 0; i < line && at >= 0; i++) at = source.indexOf('\n', at) + 1;
  if (at <= 0 && line > 0) return undefined;
  const open = source.lastIndexOf('\n{', at);
  if (open < 0) return undefined;
  return locksHeld(source.slice(open, at));
}
