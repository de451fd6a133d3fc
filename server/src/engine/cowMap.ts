// Maps a path state forks often and changes rarely: a fork shares the parent's map, and the
// first write on either side copies it. The engine forks at every branch and call outcome,
// and copying every map of a state there was a large part of its time.

import { Value, valueKey } from '../../../model/src/index.js';
import { accessAt } from './lvalue.js';

/**
 * A copy of `m`. `new Map(m)` goes through the iterator protocol and builds an entry array per
 * entry; a loop that sets them is a third faster, and an empty map is not read at all (most of
 * a fork's maps are empty, and copying one cost three times making one).
 */
export function copyMap<K, V>(m: ReadonlyMap<K, V>): Map<K, V> {
  const c = new Map<K, V>();
  if (m.size) for (const [k, v] of m) c.set(k, v);
  return c;
}

/** A copy of `s` (as copyMap()). */
export function copySet<T>(s: ReadonlySet<T>): Set<T> {
  const c = new Set<T>();
  if (s.size) for (const v of s) c.add(v);
  return c;
}

export class CowMap<K, V> implements Iterable<[K, V]> {
  protected m: Map<K, V>;
  /**
   * How many maps hold `m` (this one and its clones that have not written since). The last
   * holder writes in place: a branch forks a state into two, and only one of them copies. A
   * holder dropped without writing (a merged path) leaves the count high: one copy too many
   * later, never a write into a map another holder still reads.
   */
  private holders = { n: 1 };

  constructor(entries?: Iterable<readonly [K, V]>) {
    this.m = new Map(entries);
  }

  /** A copy that shares storage until either side writes. */
  clone(): this {
    const c = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(c, this);
    this.holders.n++;
    return c;
  }

  get size(): number {
    return this.m.size;
  }

  get(k: K): V | undefined {
    return this.m.get(k);
  }

  has(k: K): boolean {
    return this.m.has(k);
  }

  set(k: K, v: V): this {
    this.own().set(k, v);
    return this;
  }

  delete(k: K): boolean {
    return this.m.has(k) ? this.own().delete(k) : false;
  }

  /** Iterators see the map as it was when they started if another holder shares it (a write meanwhile copies it). */
  keys(): IterableIterator<K> {
    return this.m.keys();
  }

  entries(): IterableIterator<[K, V]> {
    return this.m.entries();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.m.entries();
  }

  protected own(): Map<K, V> {
    if (this.holders.n > 1) {
      this.holders.n--;
      this.m = copyMap(this.m);
      this.holders = { n: 1 };
    }
    return this.m;
  }
}

/**
 * What the locals and fields of a path hold, keeping a hash of the entries whose values the
 * model produced (pointers to its objects, statuses, error pointers) up to date as they
 * change, so that a state's merge key does not read every binding at every visit.
 */
export class Bindings extends CowMap<string, Value> {
  private a = 0;
  private b = 0;
  /** How many entries hold a model value (the hashes above sum over them). */
  private models = 0;
  /**
   * The entries that point at modeled objects, kept apart: a call the model does not know may
   * take ownership of any of them, and looking for them among hundreds of plain bindings at
   * every such call was a walk's steady cost.
   */
  private ptrs = new CowMap<string, Value>();
  /**
   * Every lvalue that some key of these bindings or of their clones has been a field or
   * element of (`a` and `a->b` for `a->b.c`). It only grows and is shared by all clones: a
   * write to a name that is not in it has no field bindings to forget, in any state.
   */
  private bases: { keys: Set<string>; of: Set<string> } = { keys: new Set(), of: new Set() };

  constructor(entries?: Iterable<readonly [string, Value]>) {
    super();
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  override clone(): this {
    const c = super.clone();
    c.ptrs = this.ptrs.clone();
    return c;
  }

  override set(k: string, v: Value): this {
    const m = this.own();
    const old = m.get(k);
    if (old === undefined) this.noteBases(k);
    if (old !== undefined && isModelValue(old)) this.add(k, old, -1);
    m.set(k, v);
    if (isModelValue(v)) this.add(k, v, 1);
    if (v.k === 'ptr') this.ptrs.set(k, v);
    else if (old?.k === 'ptr') this.ptrs.delete(k);
    return this;
  }

  override delete(k: string): boolean {
    const old = this.m.get(k);
    if (old === undefined) return false;
    if (isModelValue(old)) this.add(k, old, -1);
    if (old.k === 'ptr') this.ptrs.delete(k);
    return this.own().delete(k);
  }

  /** Whether some key may be a field or element of `base` (false: certainly none is). */
  mayHaveFieldsOf(base: string): boolean {
    return this.bases.of.has(base);
  }

  private noteBases(k: string): void {
    if (this.bases.keys.has(k)) return;
    this.bases.keys.add(k);
    // The bases isFieldOf() would find `k` a field of.
    for (let i = 1; i < k.length; i++) if (accessAt(k, i)) this.bases.of.add(k.slice(0, i));
  }

  /** The entries whose values point at modeled objects (`v.k === 'ptr'`), in insertion order. */
  pointers(): IterableIterator<[string, Value]> {
    return this.ptrs.entries();
  }

  /** Whether some entry holds a value the model produced (isModelValue()). */
  holdsModelValue(): boolean {
    return this.models > 0;
  }

  /** Two independent 32-bit sums over the model-valued entries (order-free), apart: a pair made at every visit was garbage. */
  modelHashA(): number {
    return this.a;
  }

  modelHashB(): number {
    return this.b;
  }

  private add(k: string, v: Value, sign: 1 | -1): void {
    const hk = hashString(k);
    const hv = hashValue(v);
    this.a = (this.a + sign * entryHashA(hk, hv)) | 0;
    this.b = (this.b + sign * entryHashB(hk, hv)) | 0;
    this.models += sign;
  }
}

/** Values the model produced: they always take part in a state's identity. */
export function isModelValue(v: Value): boolean {
  return v.k === 'ptr' || v.k === 'status' || v.k === 'errptr';
}

export function entryHashA(hk: number, hv: number): number {
  return mix(hk ^ Math.imul(hv, 0x9e3779b1));
}

export function entryHashB(hk: number, hv: number): number {
  return mix(hv ^ Math.imul(hk, 0xc2b2ae35) ^ 0x5bd1e995);
}

/** A 32-bit finalizer (murmur3's): spreads every input bit over the output. */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * FNV-1a. Not memoized by string: lvalue names are slices of a file's text, and a map keyed by
 * them kept every version of an edited file alive (the soak benchmark's memory grew 20 MB per
 * 1,000 edits). The names are short; hashing them again is cheap.
 */
export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Values are never changed in place: each one's hash is computed once. */
const valueHashes = new WeakMap<Value, number>();

export function hashValue(v: Value): number {
  let h = valueHashes.get(v);
  if (h === undefined) {
    h = hashString(valueKey(v));
    valueHashes.set(v, h);
  }
  return h;
}
