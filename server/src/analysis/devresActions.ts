// The functions a text hands to devres: devm_add_action() and devm_add_action_or_reset() run
// their second argument when the driver detaches, or at once when the call fails, so the walk
// runs that function's body. Text only: the cache key and the CLI's focusing (which must keep
// those bodies) find them alike.

import { withoutComments } from '../syntax/tokens.js';

/** Calls whose second argument is a function the walk runs (a devres action, at once when the call fails). */
const RUNS_A_FUNCTION = 'devm_add_action';

/**
 * The second arguments of the devm_add_action*() calls in `text` (raw text, parentheses balanced,
 * comments read as blanks: `devm_add_action_or_reset(dev, /* undo *\/ drop, p)` hands `drop`).
 */
export function devresActions(text: string): string[] {
  const t = withoutComments(text);
  const out: string[] = [];
  for (let i = t.indexOf(RUNS_A_FUNCTION); i !== -1; i = t.indexOf(RUNS_A_FUNCTION, i + 1)) {
    let j = t.indexOf('(', i);
    if (j === -1) break;
    // Past the first argument: the comma at depth one.
    for (let depth = 0; j < t.length; j++) {
      const c = t[j];
      // A literal's parentheses and commas are not the call's: `dev_of(")")`.
      if (c === '"' || c === "'") {
        for (j++; j < t.length && t[j] !== c && t[j] !== '\n'; j += t[j] === '\\' ? 2 : 1);
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
      else if (c === ',' && depth === 1) break;
    }
    const m = /^,\s*([A-Za-z_]\w*)/.exec(t.slice(j, j + 200));
    if (m) out.push(m[1] as string);
  }
  return out;
}
