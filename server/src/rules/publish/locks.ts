// Which locks a function holds at a point, read from its text: for publish-unpaired, a plain
// load made under the lock every publisher of the pointer holds at its store cannot race that
// store (the lock's release and acquire order the two critical sections; found in review: an
// updater's read under the publisher's mutex was reported).
//
// Read conservatively, since a lock wrongly seen held hides a finding:
// - only global locks, named by a plain identifier (`&foo_lock`): `&dev->lock` in two functions
//   may be two locks;
// - only calls that take the lock for sure (no trylock, no `spin_lock_init()`);
// - a take or drop inside a block that has closed before the point is not counted (a lock taken
//   in one branch is not held after it; an unlock before an early return leaves it held on the
//   path that goes on), nor one that is the unbraced statement of an `if`, `else` or loop
//   (`if (!locked) mutex_lock(&l);` takes it on one path only);
// - `guard()` holds to the end of its block, `scoped_guard()` for its statement.

import { closingBrace, codeStart, scanCode } from '../../syntax/codeScan.js';

const TAKE = String.raw`mutex_lock|mutex_lock_interruptible|mutex_lock_killable|mutex_lock_nested|mutex_lock_io|spin_lock|spin_lock_irq|spin_lock_irqsave|spin_lock_bh|spin_lock_nested|spin_lock_irqsave_nested|raw_spin_lock|raw_spin_lock_irq|raw_spin_lock_irqsave|raw_spin_lock_bh|read_lock|read_lock_irq|read_lock_irqsave|read_lock_bh|write_lock|write_lock_irq|write_lock_irqsave|write_lock_bh|down_read|down_write|down_read_killable|down_write_killable|down_read_interruptible|down_read_nested|down_write_nested`;
const DROP = String.raw`mutex_unlock|spin_unlock|spin_unlock_irq|spin_unlock_irqrestore|spin_unlock_bh|raw_spin_unlock|raw_spin_unlock_irq|raw_spin_unlock_irqrestore|raw_spin_unlock_bh|read_unlock|read_unlock_irq|read_unlock_irqrestore|read_unlock_bh|write_unlock|write_unlock_irq|write_unlock_irqrestore|write_unlock_bh|up_read|up_write`;
const LOCK_ARG = String.raw`\(\s*&?\s*([A-Za-z_]\w*)\s*[,)]`;
const EVENTS = new RegExp(String.raw`\b(?:(${TAKE})|(${DROP}))\s*${LOCK_ARG}|\bguard\s*\(\s*\w+\s*\)\s*${LOCK_ARG}|\bscoped_guard\s*\(\s*\w+\s*,\s*&?\s*([A-Za-z_]\w*)\s*\)`, 'g');

/** The blocks of `text`: where each `{` opens and its `}` closes (undefined: still open at the end). One pass. */
function blocks(text: string): { open: number; close: number | undefined }[] {
  const out: { open: number; close: number | undefined }[] = [];
  const stack: number[] = [];
  scanCode(text, 0, (i, c) => {
    if (c === '{') {
      stack.push(out.length);
      out.push({ open: i, close: undefined });
    } else if (c === '}') {
      const b = stack.pop();
      if (b !== undefined) (out[b] as { close: number | undefined }).close = i + 1;
    }
    return undefined;
  });
  return out;
}

/** The locks held at the end of `text` (a function body up to a point). */
export function locksHeld(text: string): Set<string> {
  const all = blocks(text);
  /** Whether a block holding `at` closed before the end of the text. */
  const inClosedBlock = (at: number): boolean => all.some((b) => b.open < at && b.close !== undefined && at < b.close);
  const depth = new Map<string, number>();
  for (const m of text.matchAll(EVENTS)) {
    const at = m.index ?? 0;
    if (inClosedBlock(at) || unbracedBranch(text, at)) continue;
    const scoped = m[5];
    if (scoped !== undefined) {
      // Held for the statement after it: a block still open, or an unbraced one not yet ended.
      const body = codeStart(text, at + m[0].length);
      const held = text[body] === '{' ? closingBrace(text, body) === undefined : !text.slice(body).includes(';');
      if (held) depth.set(scoped, (depth.get(scoped) ?? 0) + 1);
      continue;
    }
    const name = m[3] ?? m[4];
    if (name === undefined) continue;
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
  // From inside the function's own block: its brace is still open at the line.
  return locksHeld(source.slice(open + 2, at));
}

/**
 * Whether the statement at `at` is the unbraced body of an `if`, an `else` or a loop: the code
 * before it ends with `else`, or with the `)` of an `if (...)`, `while (...)` or `for (...)`.
 */
function unbracedBranch(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && /\s/.test(text[i] as string)) i--;
  if (/\belse$/.test(text.slice(Math.max(0, i - 4), i + 1))) return true;
  if (text[i] !== ')') return false;
  // Back to the matching `(` (literals and comments in a condition are rare; a miscount only
  // counts the take, as before).
  for (let depth = 0; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && --depth === 0) break;
  }
  return /\b(?:if|while|for)\s*$/.test(text.slice(Math.max(0, i - 16), Math.max(0, i)));
}
