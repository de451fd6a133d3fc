// Abstract values the path engine binds to C expressions. A value is what one path knows.

/** A modeled object a pointer can refer to. `h` is the handle of the op that created it. */
export type ObjRef = { kind: 'resource' | 'dax' | 'mem' | 'page'; h: number };

export type Value =
  /** Nothing known. */
  | { k: 'unknown' }
  /** An integer constant. */
  | { k: 'int'; v: bigint }
  /**
   * An expression the engine cannot evaluate; `key` identifies it along the path. `nonzero`
   * is set once a branch established that it is not 0/NULL; `phys` when it was computed from a
   * physical address (`addr >> PAGE_SHIFT`, PHYS_PFN()), as opposed to a PFN a mapping gave.
   */
  | { k: 'sym'; key: string; text: string; nonzero?: boolean; phys?: boolean }
  | { k: 'null' }
  /** A valid pointer to a modeled object. */
  | { k: 'ptr'; obj: ObjRef }
  /** A pointer known to be neither NULL nor an ERR_PTR, to something not modeled. */
  | { k: 'nonnull' }
  /** Known to be non-zero (a branch said so), nothing more: may still be an ERR_PTR. */
  | { k: 'truthy' }
  /** `src`: the handle of the op whose failure produced it (alloc_dax() failing), if any. */
  | { k: 'errptr'; code?: number; src?: number }
  /** An int status returned by a modeled call: 0 on success, a negative errno on failure. */
  | { k: 'status'; ok: boolean; code?: number };

export const UNKNOWN: Value = { k: 'unknown' };
export const NULL_VALUE: Value = { k: 'null' };

export function intValue(v: bigint | number): Value {
  return { k: 'int', v: BigInt(v) };
}

/** Three-valued truth of a value used as a condition. */
export type Truth = true | false | undefined;

export function truthOf(v: Value): Truth {
  switch (v.k) {
    case 'int': return v.v !== 0n;
    case 'null': return false;
    case 'ptr': case 'nonnull': case 'errptr': case 'truthy': return true;
    case 'status': return !v.ok;
    case 'sym': return v.nonzero ? true : undefined;
    default: return undefined;
  }
}

/** IS_ERR() */
export function isErr(v: Value): Truth {
  switch (v.k) {
    case 'errptr': return true;
    case 'null': case 'ptr': case 'nonnull': return false;
    case 'int': return v.v >= -4095n && v.v < 0n;
    default: return undefined;
  }
}

/** Stable text of a value, for state keys. */
export function valueKey(v: Value): string {
  switch (v.k) {
    case 'int': return `i${v.v}`;
    case 'sym': return `s:${v.key}${v.nonzero ? '!0' : ''}`;
    case 'ptr': return `p:${v.obj.kind}#${v.obj.h}`;
    case 'errptr': return `e${v.code ?? ''}`;
    case 'status': return `${v.ok ? 'ok' : 'err'}${v.code ?? ''}`;
    default: return v.k;
  }
}

export function sameValue(a: Value, b: Value): boolean {
  return valueKey(a) === valueKey(b);
}
