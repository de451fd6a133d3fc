// The state of one path through a function: what the locals and fields hold, the model's
// resource tree, the modeled operations performed so far and the trace that explains them.

import {
  DaxEffect, DaxWorld, MachineLayout, ModelOp, ResourceWorld, Value,
} from '../../../model/src/index.js';
import type { SNode } from '../syntax/snode.js';
import { Versions } from './versions.js';
import { Bindings, CowMap, copyMap, copySet, entryHashA, entryHashB, hashString, hashValue, mix } from './cowMap.js';

/** A source range, 0-based lines and UTF-16 columns. */
export interface Site {
  start: number;
  end: number;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

export function siteOf(n: SNode): Site {
  return { start: n.start, end: n.end, line: n.startPos.line, col: n.startPos.col, endLine: n.endPos.line, endCol: n.endPos.col };
}

export interface TraceStep {
  site: Site;
  message: string;
}

/** A modeled operation on the path, with where it happened. */
export interface LoggedStep {
  op: ModelOp;
  /** Whether the op succeeded on this path (the outcome the engine chose). */
  expectOk: boolean;
  site: Site;
  /** Where the analyzed function performed it: `site`, or the call of the inlined helper. */
  at: Site;
  callee: string;
  /** Index of the trace step that describes it. */
  trace: number;
  /** For DAX ops: what the call did (a misuse, a no-op on NULL). */
  dax: DaxEffect | undefined;
  /** isHeldRequest(), decided once when the op is logged. */
  held: boolean;
  /** What modelKey() hashes of the op. */
  keyText: string;
}

/**
 * A logged step, always of one object shape. The merge key reads every step of a path at
 * every visit; with a shape per op kind (and a `dax` field on some steps only), those reads
 * met a new shape per kind and threw their optimized code away, each time a worker met one.
 */
export function logStep(op: ModelOp, expectOk: boolean, site: Site, at: Site, callee: string, trace: number, dax?: DaxEffect): LoggedStep {
  const held = expectOk && (op.kind === 'request_region' || op.kind === 'link_resource' || op.kind === 'free_region') && !('devm' in op && op.devm);
  const keyText = `${callee}@${site.start}:${expectOk ? 1 : 0}${'result' in op ? `=${String(op.result)}` : ''}${concreteFields(op)},`;
  return { op, expectOk, site, at, callee, trace, dax, held, keyText };
}

/**
 * The op's concrete addresses, sizes and names: rules judge them at the end (a range's
 * alignment), so two paths that made the call with different ones must not merge after it
 * (found in review: a size grown in a loop lost its misaligned range to the size it started at).
 */
function concreteFields(op: ModelOp): string {
  let out = '';
  const fields = op as unknown as Record<string, unknown>; // every op kind's fields, read by name
  for (const k in fields) {
    const v = fields[k];
    if (typeof v === 'bigint' || typeof v === 'string') out += `;${k}=${String(v)}`;
  }
  return out;
}

/** Memory the path allocated (kzalloc() and friends). */
export interface MemObject {
  zeroed: boolean;
  devm: boolean;
  freed: boolean;
}

/** A `__free(fn)` variable in scope: `fn` runs on it when the scope is left. */
export interface ScopedCleanup {
  name: string;
  fn: string;
  site: Site;
  /** Inline depth of the function that declared it: a helper's return runs only its own. */
  depth: number;
}

export { rootOf } from './lvalue.js';

/** A region the path requested, inserted or searched for and got, not through devres: its own to release. */
export function isHeldRequest(l: LoggedStep): boolean {
  return l.held;
}

export class PathState {
  // Fields are set in the constructor, fresh or from the state forked: a fork that first made
  // every empty map and set of a fresh state, then replaced them, allocated twice per branch.
  bindings: Bindings;
  /** Bumped when a variable is (re)declared, assigned or passed by address. */
  versions: Versions;
  /** Concrete addresses chosen for symbolic expressions on this path. */
  placements: CowMap<string, bigint>;
  /** Times each loop's back edge was taken. */
  loops: Map<number, number>;
  ops: LoggedStep[];
  /** modelKey()'s hashes of the first `opsKeyed` ops. */
  private opsHashA: number;
  private opsHashB: number;
  private opsKeyed: number;
  trace: TraceStep[];
  returned: Value | undefined;
  /** Where the path returned (undefined when it fell off the end). */
  returnSite: Site | undefined;
  /** Handles of modeled objects passed to code the model does not know (ownership may move). */
  escaped: Set<number>;
  /** Number of ops logged when the path called a release API or a helper that does. */
  releaseCalls: number[];
  /** Number of ops logged when the path wrote to something that outlives the call. */
  nonLocalWrites: number[];
  /** DAX devices of the path and their states. */
  dax: DaxWorld;
  /** Memory objects by handle (records shared with forks: replaced, never changed in place). */
  mem: Map<number, Readonly<MemObject>>;
  /** Memory objects whose fields code the model does not know may have written. */
  clobbered: Set<number>;
  /** dev_pagemaps mapped on this path (by lvalue), and whether devres owns the mapping. */
  remapped: Map<string, { devm: boolean; op: number }>;
  /** `__free()` variables in scope, innermost last. */
  cleanups: ScopedCleanup[];
  /**
   * The analyzed function's writes on this path, newest first. A list forks share and extend
   * at their own heads: writes happen at most steps, and a map copied at the first write after
   * every fork cost more than the one rule that asks (at end states) ever reads.
   */
  private writes: WriteNode | undefined;
  private world_: ResourceWorld | undefined;
  private worldShared: boolean;

  /** A path at the function's entry, or (`from`) a copy of `from` that shares what it can. */
  constructor(private readonly layout: MachineLayout, from?: PathState) {
    this.bindings = from ? from.bindings.clone() : new Bindings();
    this.versions = from ? from.versions.clone() : new Versions();
    this.placements = from ? from.placements.clone() : new CowMap();
    this.loops = from ? copyMap(from.loops) : new Map();
    this.ops = from ? from.ops.slice() : [];
    this.opsHashA = from ? from.opsHashA : 2166136261;
    this.opsHashB = from ? from.opsHashB : 374761393;
    this.opsKeyed = from ? from.opsKeyed : 0;
    this.trace = from ? from.trace.slice() : [];
    this.returned = from?.returned;
    this.returnSite = from?.returnSite;
    this.escaped = from ? copySet(from.escaped) : new Set();
    this.releaseCalls = from ? from.releaseCalls.slice() : [];
    this.nonLocalWrites = from ? from.nonLocalWrites.slice() : [];
    this.dax = from ? from.dax.clone() : new DaxWorld();
    this.mem = from ? copyMap(from.mem) : new Map();
    this.clobbered = from ? copySet(from.clobbered) : new Set();
    this.remapped = from ? copyMap(from.remapped) : new Map();
    this.cleanups = from ? from.cleanups.slice() : [];
    this.writes = from?.writes;
    this.world_ = from?.world_;
    this.worldShared = from !== undefined && from.world_ !== undefined;
    if (from) from.worldShared = this.worldShared;
  }

  fork(): PathState {
    return new PathState(this.layout, this);
  }

  /**
   * Whether the path holds nothing of the model yet: no operation logged (so the tree is the
   * layout's), no memory, DAX device, pagemap or escape, no value the model produced, no
   * release attempted and no `__free()` cleanup pending.
   */
  holdsNothing(): boolean {
    return this.ops.length === 0 && this.mem.size === 0 && this.dax.devices.size === 0 && this.remapped.size === 0 &&
      this.escaped.size === 0 && this.clobbered.size === 0 && this.releaseCalls.length === 0 && this.cleanups.length === 0 &&
      !this.bindings.holdsModelValue();
  }

  /** The tree as this path left it (created from the layout on first use). */
  get world(): ResourceWorld {
    this.world_ ??= new ResourceWorld(this.layout.tree.clone());
    return this.world_;
  }

  /** The tree, made private to this path before it is changed. */
  mutableWorld(): ResourceWorld {
    if (this.worldShared && this.world_) {
      this.world_ = this.world_.clone();
      this.worldShared = false;
    }
    return this.world;
  }

  get machine(): MachineLayout {
    return this.layout;
  }

  /** The analyzed function wrote `key` at `at` (the assignment). */
  noteWrite(key: string, at: SNode): void {
    this.writes = { key, at, prev: this.writes };
  }

  /** Where the analyzed function last wrote `key` on this path. */
  lastWrite(key: string): Site | undefined {
    for (let w = this.writes; w; w = w.prev) if (w.key === key) return siteOf(w.at);
    return undefined;
  }

  version(name: string): number {
    return this.versions.get(name);
  }

  bump(name: string): void {
    this.versions.bump(name);
  }

  /**
   * Identity of the state for merging paths: two states with one key behave alike for the
   * model from here on. Values the model produced (pointers to its objects, statuses, error
   * pointers) always count; plain values count only for lvalues a condition or return still to
   * come reads (`tested`). Symbolic values and versions are left out: they only name expressions, and
   * keeping them would stop paths from merging after every assignment.
   *
   * A 53-bit hash, not a string: keys are computed at every visit, and building, sorting and
   * hashing strings of every binding was the engine's largest cost. The bindings enter as a
   * multiset hash (sums of per-binding hashes: no sort). Two states whose keys collide merge,
   * which drops a path (a possible miss), never invents one.
   */
  key(tested: Iterable<string>, modelKey = this.modelKey(), visible?: readonly string[]): number {
    const acc = plainAcc;
    acc[0] = (this.bindings.modelHashA() + 0x6a09e667) | 0;
    acc[1] = (this.bindings.modelHashB() + 0xbb67ae85) | 0;
    for (const k of tested) addPlain(this.bindings, k, acc);
    // The bindings under the `visible` prefixes count as tested too (EngineContext.visible):
    // the fields an inlined helper reaches in its caller's storage (found in review: a
    // helper's `s->ready = 0` on one path merged into `s->ready = 1`, and the caller's check of
    // it lost its leak). Read from the keys in place: a list of them, made at every visit of a
    // helper, was the walk's largest allocation.
    if (visible?.length) {
      for (const k of this.bindings.keys()) {
        for (const p of visible) {
          if (k.startsWith(p)) {
            addPlain(this.bindings, k, acc);
            break;
          }
        }
      }
    }
    let a = acc[0] as number;
    let b = acc[1] as number;
    if (this.returned) {
      const h = hashValue(this.returned);
      a = mix(a ^ h);
      b = mix(b ^ Math.imul(h, 0x27d4eb2f));
    }
    // Where it returned: rules report there (found in review: of two `return -EIO;` leaving a
    // region held, the end states merged and one leak was reported).
    if (this.returnSite) {
      a = mix(a ^ (this.returnSite.start + 0x3c6ef372));
      b = mix(b ^ Math.imul(this.returnSite.start + 1, 0x165667b1));
    }
    return combine(mix(a ^ modelKeyHigh(modelKey)), mix(b ^ modelKeyLow(modelKey)));
  }

  /** How many ops before op `at` are regions the path itself holds (isHeldRequest()). */
  private requestsBefore(at: number | undefined): number {
    let n = 0;
    if (at === undefined) return 0;
    for (let i = 0; i < at && i < this.ops.length; i++) if (isHeldRequest(this.ops[i] as LoggedStep)) n++;
    return n;
  }

  /** What the path did to the model (its ops and objects), without the data it computed (a 53-bit hash). */
  modelKey(): number {
    // The op log only grows (forks copy it): extend the hash of the ops already keyed. Two
    // independent 32-bit FNV-1a hashes.
    for (let i = this.opsKeyed; i < this.ops.length; i++) {
      const text = (this.ops[i] as LoggedStep).keyText;
      for (let j = 0; j < text.length; j++) {
        const c = text.charCodeAt(j);
        this.opsHashA = Math.imul(this.opsHashA ^ c, 16777619) >>> 0;
        this.opsHashB = Math.imul(this.opsHashB ^ c, 2246822519) >>> 0;
      }
    }
    this.opsKeyed = this.ops.length;
    let a = mix(this.opsHashA ^ this.ops.length);
    let b = this.opsHashB;
    // Of the regions the path holds, how many came before its last write to memory that
    // outlives the call (the caller's cue to clean up) and before its last release attempt the
    // model may not resolve: resource-leak judges a held region by them; nothing else reads them.
    if (this.ops.length && (this.nonLocalWrites.length || this.releaseCalls.length)) {
      const w = this.requestsBefore(this.nonLocalWrites[this.nonLocalWrites.length - 1]);
      const r = this.requestsBefore(this.releaseCalls[this.releaseCalls.length - 1]);
      if (w || r) {
        a = mix(a ^ Math.imul(w + 1, 0x9e3779b1) ^ Math.imul(r + 1, 0x85ebca77));
        b = mix(b ^ Math.imul(r + 1, 0xc2b2ae3d) ^ Math.imul(w + 1, 0x27d4eb2f));
      }
    }
    // Sets and maps enter order-free; the cleanups in scope in order.
    for (const h of this.escaped) {
      a = (a + mix(0x51ed27 ^ h)) | 0;
      b = (b + mix(0x3c6ef372 ^ Math.imul(h, 0x85ebca6b))) | 0;
    }
    if (this.dax.devices.size) {
      for (const [h, d] of this.dax.devices) {
        const hd = hashString(`d${h}${d.state}${d.hosts.length}`);
        a = (a + mix(hd)) | 0;
        b = (b + mix(hd ^ 0xa54ff53a)) | 0;
      }
    }
    // By key, then the record: an entry pair per object per visit was garbage.
    for (const h of this.mem.keys()) {
      if (!(this.mem.get(h) as MemObject).freed) continue;
      a = (a + mix(0x7f4a7c15 ^ h)) | 0;
      b = (b + mix(0x1b873593 ^ Math.imul(h, 0xcc9e2d51))) | 0;
    }
    for (const c of this.cleanups) {
      a = mix(a ^ hashString(c.name));
      b = mix(Math.imul(b, 31) ^ hashString(c.name));
    }
    return combine(a, b);
  }
}

/** key()'s two running sums (one pair per thread: key() does not nest). */
const plainAcc = new Int32Array(2);

/** Adds a plain value's binding of `k`, if any, to the key's sums (the merge key's tested lvalues). */
function addPlain(bindings: Bindings, k: string, acc: Int32Array): void {
  const v = bindings.get(k);
  if (v !== undefined && (v.k === 'int' || v.k === 'null' || v.k === 'nonnull' || v.k === 'truthy')) {
    const hk = hashString(k);
    const hv = hashValue(v);
    acc[0] = ((acc[0] as number) + entryHashA(hk, hv)) | 0;
    acc[1] = ((acc[1] as number) + entryHashB(hk, hv)) | 0;
  }
}

interface WriteNode {
  key: string;
  at: SNode;
  prev: WriteNode | undefined;
}

/** Two 32-bit hashes as one exact integer of 53 bits (a Set of numbers compares them by value). */
function combine(a: number, b: number): number {
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

function modelKeyHigh(k: number): number {
  return Math.floor(k / 0x200000) | 0;
}

function modelKeyLow(k: number): number {
  return k % 0x200000 | 0;
}
