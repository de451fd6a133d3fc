// API contracts: what a kernel function does to the model's state, per outcome.

import type { DaxTarget } from '../dax/model.js';
import type { ModelOp } from '../ops.js';
import type { Resource, ResourceTree } from '../resource/tree.js';
import { KernelProfile } from '../profile.js';
import { Value } from '../values.js';

/** A call as the path engine sees it: callee, evaluated arguments and their source text. */
export interface CallSite {
  callee: string;
  args: Value[];
  argText: string[];
}

/** What a contract may ask of the path state it runs on. */
export interface ModelView {
  profile: KernelProfile;
  /** The handle of the resource a pointer value refers to. */
  resourceHandle(v: Value): number | undefined;
  /**
   * A concrete address or size for a value: its constant, or the placement the path chose
   * for a symbolic expression (the same expression text gets the same address on one path).
   */
  concrete(v: Value, role: 'start' | 'size'): bigint | undefined;
  /** A string argument: a literal, or a `static const char x[] = "..."` in the same file. */
  stringArg(i: number): string | undefined;
  /** What the path knows of a field reached through argument `i` (`arg->name`, or `s.name` for `&s`). */
  field(i: number, name: string): Value;
  /** The tree as the path has it now, for contracts that answer questions about it. */
  tree(): ResourceTree;
  /** The resource a parent argument names (`&iomem_resource` or a held resource). */
  resource(v: Value, text: string): Resource | undefined;
  /** What a DAX call receives: a device of the path, NULL or an ERR_PTR (undefined: unknown). */
  daxTarget(v: Value): DaxTarget | undefined;
  /** The handle of path-allocated memory a pointer refers to. */
  memHandle(v: Value): number | undefined;
  /** The handle of a struct page the path looked up (pfn_to_page(), pfn_to_online_page()). */
  pageHandle(v: Value): number | undefined;
  /** The identity of argument `i` as an lvalue (`&pmem->pgmap`, `pgmap`). */
  lvalue(i: number): string;
}

export interface Outcome {
  /** Short label for traces: "succeeds", "fails". */
  label: string;
  /**
   * Return value; 'created' is a pointer to the object the op created, 'failed' an ERR_PTR
   * carrying the code of the op that failed (and pointing at it).
   */
  ret: Value | 'created' | 'failed';
  ops: ModelOp[];
  /**
   * True when the ops must succeed on the model for this outcome to be possible (a request
   * that conflicts cannot return a resource). False outcomes record the op as failed.
   */
  requireOk: boolean;
  /** Sentence for the trace, citing what the kernel does. */
  note: string;
  /** The created object is the struct argument `i` points to: bind that argument to it. */
  bindsArg?: number;
}

export type Contract = (call: CallSite, m: ModelView) => Outcome[] | undefined;

/**
 * Writes to a field of a modeled object: `res->flags = X`, `|=`, `&=`. `derived` is set when
 * the right side of an `=` reads the field itself (`x->f = (x->f & ~A) | B`).
 */
export type FieldContract = (assign: '=' | '|=' | '&=', value: Value, handle: number, derived: boolean) => Outcome[] | undefined;
