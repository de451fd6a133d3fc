// Where the model's values come from. A walk starts with none (save what initialState() gives
// a function: a hotplug hold its comment documents, the physical start of a RAM walker), and a
// path comes to hold one (a modeled object, a status, an error pointer) or to log an operation
// only through these calls: the model's contracts, ERR_PTR(), the devres action helpers (a
// status, and the action's body walked) and `__free()` variables (their cleanup walked at the
// end of the scope). Beyond them, a call of a static helper that creates something (a request,
// an add, alloc_dax()) is walked whatever it is passed; any other helper only when a model
// value is passed to it (inline.ts). So a function that names none of these, and no such
// helper, walks no modeled operation: nothing a rule could judge.

import { CONTRACT_NAMES } from '../../../model/src/index.js';

export const VALUE_SOURCES: readonly string[] = [...CONTRACT_NAMES, 'ERR_PTR', 'devm_add_action', 'devm_add_action_or_reset', '__free'];
